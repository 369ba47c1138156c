import { AuditLog } from '../../src/audit/audit-log';
import { Clock } from '../../src/common/clock';
import { hashToken } from '../../src/modules/auth/token';
import { User } from '../../src/modules/auth/user.entity';
import { UsersRepository } from '../../src/modules/auth/users.repository';
import { TOKEN_CACHE_MS, UsersService } from '../../src/modules/auth/users.service';

/** UsersService.findByToken remembers a token's user briefly; the users table is a map here. */
describe('signing in with a token', () => {
  let rows: Map<string, User>;
  let queries: number;
  let now: number;
  let users: UsersService;

  const user = (token: string, role: User['role'] = 'admin') => {
    const u = Object.assign(new User(), { id: rows.size + 1, email: `${role}@example.org`, role, sectionCode: null, deliveryPointCode: null, tokenExpiresAt: new Date('2100-01-01') });
    rows.set(hashToken(token).toString('hex'), u);
    return u;
  };
  const later = (ms: number) => (now += ms);

  beforeEach(() => {
    rows = new Map();
    queries = 0;
    now = Date.parse('2017-05-01T10:00:00Z');
    const repository = {
      findByTokenHash: async (tokenHash: Buffer) => {
        queries++;
        const found = rows.get(tokenHash.toString('hex'));
        return found ? Object.assign(new User(), found) : null;
      },
      touchToken: async () => undefined,
    } as unknown as UsersRepository;
    const clock: Clock = { now: () => new Date(now) };
    users = new UsersService(repository, clock, {} as AuditLog);
  });

  it('finds the user once for many requests in a row', async () => {
    user('hnd_lead');
    const found = await Promise.all([users.findByToken('hnd_lead'), users.findByToken('hnd_lead')]);
    later(TOKEN_CACHE_MS - 1);
    found.push(await users.findByToken('hnd_lead'));
    expect(found.map((u) => u?.email)).toEqual(['admin@example.org', 'admin@example.org', 'admin@example.org']);
    expect(queries).toBe(1);
  });

  it('stops accepting a revoked token once TOKEN_CACHE_MS have passed', async () => {
    user('hnd_revoked');
    expect(await users.findByToken('hnd_revoked')).not.toBeNull();
    rows.clear();
    later(TOKEN_CACHE_MS);
    expect(await users.findByToken('hnd_revoked')).toBeNull();
  });

  it('sees a changed role once TOKEN_CACHE_MS have passed', async () => {
    const u = user('hnd_moved', 'coordinator');
    expect((await users.findByToken('hnd_moved'))?.role).toBe('coordinator');
    u.role = 'activist';
    later(TOKEN_CACHE_MS);
    expect((await users.findByToken('hnd_moved'))?.role).toBe('activist');
  });

  it('does not remember an unknown token, so a token created right after works at once', async () => {
    expect(await users.findByToken('hnd_new')).toBeNull();
    user('hnd_new');
    expect(await users.findByToken('hnd_new')).not.toBeNull();
  });

  it('tells, without waiting, the user it found for a token less than TOKEN_CACHE_MS ago, and nothing else', async () => {
    user('hnd_lead');
    expect(users.recentUser('hnd_lead')).toBeUndefined();
    const lookup = users.findByToken('hnd_lead');
    expect(users.recentUser('hnd_lead')).toBeUndefined();
    await lookup;
    expect(users.recentUser('hnd_lead')?.email).toBe('admin@example.org');
    later(TOKEN_CACHE_MS);
    expect(users.recentUser('hnd_lead')).toBeUndefined();

    expect(await users.findByToken('hnd_unknown')).toBeNull();
    expect(users.recentUser('hnd_unknown')).toBeUndefined();
  });

  it('hands out a user that cannot be changed by one request for the next', async () => {
    user('hnd_lead');
    const found = (await users.findByToken('hnd_lead'))!;
    expect(() => Object.assign(found, { role: 'admin' as const, sectionCode: 'NL' })).toThrow(TypeError);
  });
});
