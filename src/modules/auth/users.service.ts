import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { ConflictError, InvalidInputError } from '../../common/errors';
import { hashToken, newToken } from './token';
import { Role, ROLES, User } from './user.entity';

/**
 * How long a token's user is remembered. Every authenticated request needs it, and under load (a dashboard,
 * a script polling totals) the lookup was a query per request. There is no revocation command (users are
 * only created, by the CLI), so the bound is what matters: a user deleted, re-scoped or given a new token_hash
 * in the database is seen by every API process within this time, on every route. An unknown token is not
 * remembered, so a new user's token works at once.
 */
export const TOKEN_CACHE_MS = 5_000;
/** Bounds the memory a flood of valid tokens could take; the oldest entries go first. */
const TOKEN_CACHE_SIZE = 1_000;

interface RecentLookup {
  until: number;
  user: Promise<User | null>;
  /** The user, once the lookup found one. */
  found?: User;
}

export interface NewUser {
  email: string;
  role: string;
  section?: string;
  deliveryPoint?: string;
}

@Injectable()
export class UsersService {
  /** Lookups by token hash, shared by concurrent requests; only found users stay past the lookup. */
  private readonly recent = new Map<string, RecentLookup>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Creates a user and returns its token, which is shown once and stored only as a hash. */
  async create(input: NewUser): Promise<{ user: User; token: string }> {
    const role = input.role as Role;
    const problems = [
      !/^[^\s@]+@[^\s@]+$/.test(input.email) && `--email "${input.email}" is not an e-mail address`,
      !ROLES.includes(role) && `--role must be one of ${ROLES.join(', ')}`,
      role === 'coordinator' && !input.section && 'a coordinator needs --section CODE',
      role === 'activist' && !input.deliveryPoint && 'an activist needs --delivery-point CODE',
    ].filter(Boolean);
    if (problems.length > 0) throw new InvalidInputError('invalid_user', problems.join('; '));

    const repository = this.dataSource.getRepository(User);
    if (await repository.existsBy({ email: input.email })) {
      throw new ConflictError('user_exists', `A user with e-mail ${input.email} already exists.`);
    }
    const token = newToken();
    const user = await repository.save(
      repository.create({
        email: input.email,
        role,
        sectionCode: role === 'coordinator' ? input.section : null,
        deliveryPointCode: role === 'activist' ? input.deliveryPoint : null,
        tokenHash: hashToken(token),
      }),
    );
    return { user, token };
  }

  /** The token's user, as of at most TOKEN_CACHE_MS ago; frozen, since one object serves many requests. */
  findByToken(token: string): Promise<User | null> {
    const hash = hashToken(token);
    const key = hash.toString('base64');
    const now = this.clock.now().getTime();
    const recent = this.recent.get(key);
    if (recent && recent.until > now) return recent.user;

    const user = this.dataSource.getRepository(User).findOneBy({ tokenHash: hash });
    const entry: RecentLookup = { until: now + TOKEN_CACHE_MS, user: user.then((u) => u && Object.freeze(u)) };
    this.recent.delete(key);
    this.recent.set(key, entry);
    if (this.recent.size > TOKEN_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    const forget = () => this.recent.get(key) === entry && this.recent.delete(key);
    entry.user.then((found) => (found ? (entry.found = found) : forget()), forget);
    return entry.user;
  }

  /** The user findByToken found for this token less than TOKEN_CACHE_MS ago, if it did; never waits. */
  recentUser(token: string): User | undefined {
    const recent = this.recent.get(hashToken(token).toString('base64'));
    return recent && recent.until > this.clock.now().getTime() ? recent.found : undefined;
  }
}
