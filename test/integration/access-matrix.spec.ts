import { people } from '../support/builders';
import { TestApp } from '../support/test-app';

/**
 * Who may call what, for every registered route: the expected status for each kind of caller. A route that is
 * not in the table fails the test, so a new route cannot be added without deciding who may use it.
 * State-changing routes are sent an empty body: a caller who may use the route then gets the route's own
 * answer to bad input (400 or 422), one who may not gets 401, 403 or 404 before the body is looked at.
 */
const CALLERS = ['none', 'badToken', 'admin', 'coordinator', 'otherCoordinator', 'activist', 'otherActivist'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** The statuses for the callers in the order of CALLERS, e.g. s('401 401 200 200 404 403 403'). */
const s = (statuses: string): Expected => Object.fromEntries(statuses.split(' ').map((status, i) => [CALLERS[i], Number(status)])) as Expected;

/**
 * Callers:           none badToken admin coordinator(NL) otherCoordinator(DE) activist(HAGUE) otherActivist(BERLIN).
 * The batch is NL's; the delivery point is HAGUE. Another section's batch or page answers 404, as if it did not
 * exist; a role that never may gets 403; a page sends someone not signed in to sign in (303), and refuses a form
 * posted without a CSRF token (403). The OpenAPI document, the metrics, probes and public counter are open.
 */
const MATRIX: Record<string, Expected> = {
  'GET /api/users': s('401 401 200 403 403 403 403'),
  'GET /api/audit': s('401 401 200 403 403 403 403'),
  'POST /api/users/:id/token/revoke': s('401 401 400 403 403 403 403'),
  'POST /api/users/:id/token': s('401 401 400 403 403 403 403'),
  'POST /api/users/:id/disable': s('401 401 400 403 403 403 403'),
  'GET /api/docs/swagger-ui-init.js': s('200 200 200 200 200 200 200'),
  'GET /api/docs/docs/swagger-ui-init.js': s('200 200 200 200 200 200 200'),
  'GET /api/docs': s('200 200 200 200 200 200 200'),
  'GET /api/docs/index.html': s('200 200 200 200 200 200 200'),
  'GET /api/docs/LICENSE': s('404 404 404 404 404 404 404'),
  'GET /api/docs/': s('200 200 200 200 200 200 200'),
  'GET /api/docs-json': s('200 200 200 200 200 200 200'),
  'GET /api/docs-yaml': s('200 200 200 200 200 200 200'),
  'PUT /api/campaigns/:slug': s('401 401 400 403 403 403 403'),
  'GET /api/campaigns': s('401 401 200 200 200 200 200'),
  'GET /api/campaigns/:slug': s('401 401 200 200 200 200 200'),
  'POST /api/campaigns/:slug/sections/:section/batches': s('401 401 400 400 403 403 403'),
  'GET /api/batches/:id': s('401 401 200 200 404 403 403'),
  'GET /api/batches/:id/rejections.csv': s('401 401 200 200 404 403 403'),
  'GET /api/campaigns/:slug/sections/:section/preset': s('401 401 200 200 403 403 403'),
  'PUT /api/campaigns/:slug/sections/:section/preset': s('401 401 200 200 403 403 403'),
  'POST /api/batches/:id/retract': s('401 401 200 200 404 403 403'),
  // Only a failed batch can be retried; the table's batch is counted (or retracted by the row above).
  'POST /api/batches/:id/retry': s('401 401 409 403 403 403 403'),
  'GET /api/batches/:id/duplicates.csv': s('401 401 200 200 404 403 403'),
  'GET /api/campaigns/:slug/totals': s('401 401 200 200 200 403 403'),
  'GET /api/campaigns/:slug/totals.csv': s('401 401 200 200 200 403 403'),
  'GET /api/campaigns/:slug/events': s('401 401 200 403 403 403 403'),
  'GET /public/campaigns/:slug/counter': s('200 200 200 200 200 200 200'),
  'POST /api/campaigns/:slug/freeze': s('401 401 200 403 403 403 403'),
  'POST /api/campaigns/:slug/packs': s('401 401 202 403 403 403 403'),
  // An empty body neither confirms a purge nor names a signer to erase: 400 for the lead.
  'POST /api/campaigns/:slug/purge': s('401 401 400 403 403 403 403'),
  'POST /api/campaigns/:slug/erase': s('401 401 400 403 403 403 403'),
  'GET /api/campaigns/:slug/packs.zip': s('401 401 200 403 403 403 403'),
  'GET /api/campaigns/:slug/delivery-points/:code/pack': s('401 401 200 403 403 200 403'),
  'GET /api/campaigns/:slug/delivery-points/:code/pack.pdf': s('401 401 200 403 403 200 403'),
  'GET /api/campaigns/:slug/delivery-points/:code/signatures.csv': s('401 401 200 403 403 200 403'),
  'GET /api/campaigns/:slug/sections/:section/paper-form.pdf': s('401 401 200 200 403 403 403'),
  'GET /health/live': s('200 200 200 200 200 200 200'),
  'GET /health/ready': s('200 200 200 200 200 200 200'),
  'GET /assets/:file': s('404 404 404 404 404 404 404'),
  'GET /sign-in': s('200 200 200 200 200 200 200'),
  'POST /sign-in': s('403 400 400 400 400 400 400'),
  'POST /sign-out': s('403 303 303 303 303 303 303'),
  'GET /set-password/:secret': s('404 404 404 404 404 404 404'),
  'POST /set-password/:secret': s('403 404 404 404 404 404 404'),
  'GET /': s('303 303 200 303 303 303 303'),
  'GET /admin/audit': s('303 303 200 403 403 403 403'),
  'GET /campaigns/:slug/sections/:section': s('303 303 200 200 404 403 403'),
  'GET /campaigns/:slug/sections/:section/numbers': s('303 303 200 200 404 403 403'),
  'GET /campaigns/:slug/sections/:section/upload': s('303 303 200 200 404 403 403'),
  'POST /campaigns/:slug/sections/:section/check': s('403 401 400 400 404 403 403'),
  'POST /campaigns/:slug/sections/:section/count': s('403 401 400 400 404 403 403'),
  'GET /batches/:id': s('303 303 200 200 404 403 403'),
  'GET /batches/:id/status': s('303 303 200 200 404 403 403'),
  'GET /batches/:id/retract': s('303 303 200 200 404 403 403'),
  'POST /batches/:id/retract': s('403 401 303 303 404 403 403'),
  'GET /campaigns/:slug/sections/:section/tallies': s('303 303 200 200 404 403 403'),
  'POST /campaigns/:slug/sections/:section/tallies': s('403 401 400 400 404 403 403'),
  'GET /campaigns/:slug/delivery-points/:code': s('303 303 200 403 403 200 404'),
  'GET /metrics': s('200 200 200 200 200 200 200'),
};

describe('the access matrix', () => {
  let app: TestApp;
  const tokens: Partial<Record<Caller, string>> = {};
  const params: Record<string, string> = {};

  beforeAll(async () => {
    app = await TestApp.start();
    tokens.admin = await app.token('admin');
    tokens.coordinator = await app.token('coordinator', 'NL');
    tokens.otherCoordinator = await app.token('coordinator', 'DE');
    tokens.activist = await app.token('activist', 'HAGUE');
    tokens.otherActivist = await app.token('activist', 'BERLIN');
    tokens.badToken = 'hnd_not-a-token';
    params.slug = await app.newCampaign(tokens.admin);
    params.id = (await app.ingest(tokens.admin, params.slug, 'NL', people(3, 'matrix'))).id;
    // Packs exist before the walk, so that their routes answer the same whatever the order of the routes.
    await app.http.post(`/api/campaigns/${params.slug}/packs`).set('Authorization', `Bearer ${tokens.admin}`).send({}).expect(202);
    await app.waitForIdle();
    params.section = 'NL';
    params.code = 'HAGUE';
    params.secret = 'hnd_no-such-link';
    params.file = 'no-such-asset.css';
  });
  afterAll(() => app?.close());

  it('answers every route as the table says', async () => {
    const instance = app.app.getHttpAdapter().getInstance();
    const routes: string[] = instance.router.stack
      .filter((layer: { route?: { path: string; methods: Record<string, boolean> } }) => layer.route && Object.keys(layer.route.methods).length < 5)
      .flatMap((layer: { route: { path: string; methods: Record<string, boolean> } }) => Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route.path}`));
    const actual: Record<string, Partial<Expected>> = {};
    for (const route of routes) {
      const [method, path] = route.split(' ');
      const url = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]));
      actual[route] = {};
      for (const caller of CALLERS) {
        const headers: Record<string, string> = method === 'GET' ? {} : { 'Content-Type': 'application/json' };
        if (tokens[caller]) headers.Authorization = `Bearer ${tokens[caller]}`;
        // fetch, not supertest: the status is known from the headers, and a stream (the live events) is then let go.
        const response = await fetch(`${app.baseUrl}${url}`, { method, headers, body: method === 'GET' ? undefined : '{}', redirect: 'manual' });
        actual[route][caller] = response.status;
        await response.body?.cancel();
      }
    }
    expect(actual).toEqual(MATRIX);
  });
});
