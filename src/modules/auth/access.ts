import { ForbiddenError } from '../../common/errors';
import { User } from './user.entity';

/** Who may see or change what, in one place (docs/design.md "Who uses it"). */

export function assertSectionAccess(user: User, sectionCode: string): void {
  if (user.role === 'admin') return;
  if (user.role === 'coordinator' && user.sectionCode === sectionCode) return;
  throw new ForbiddenError(
    user.role === 'coordinator'
      ? `You coordinate section ${user.sectionCode}; section ${sectionCode} is not yours.`
      : 'Only campaign leads and section coordinators can do this.',
  );
}

export function assertDeliveryPointAccess(user: User, deliveryPointCode: string): void {
  if (user.role === 'admin') return;
  if (user.role === 'activist' && user.deliveryPointCode === deliveryPointCode) return;
  throw new ForbiddenError(`You can open the pack of delivery point ${user.deliveryPointCode ?? '(none)'} only.`);
}

/** The person at the command line: an operator with the campaign lead's rights. */
export const OPERATOR: User = Object.assign(new User(), { role: 'admin' as const, email: 'operator (command line)' });
