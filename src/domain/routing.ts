/**
 * Delivery point of a signer = first match of: rule for (country, region) → rule for country →
 * the section's default delivery point → the campaign's default delivery point (docs/design.md "Routing").
 * Regions match case-insensitively and ignoring surrounding spaces ("nsw" = "NSW").
 */
export interface RoutingInput {
  defaultDeliveryPoint: string;
  rules: { country: string; region?: string | null; deliveryPoint: string }[];
}

export type Router = (country: string, region: string | null | undefined, sectionDefault: string | null | undefined) => string;

const ruleKey = (country: string, region?: string | null) => `${country}|${(region ?? '').trim().toLowerCase()}`;

export function buildRouter({ defaultDeliveryPoint, rules }: RoutingInput): Router {
  const byKey = new Map(rules.map((r) => [ruleKey(r.country, r.region), r.deliveryPoint]));
  return (country, region, sectionDefault) =>
    (region ? byKey.get(ruleKey(country, region)) : undefined) ??
    byKey.get(ruleKey(country)) ??
    sectionDefault ??
    defaultDeliveryPoint;
}
