import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction, AuditLog } from '../../audit/audit-log';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { ConflictError, InvalidInputError, NotFoundError } from '../../common/errors';
import { hashPassword, passwordMatches, passwordProblem } from './password';
import { hashToken, newToken } from './token';
import { Role, ROLES, User } from './user.entity';
import { UserChanges } from './user-changes';
import { UsersRepository } from './users.repository';

/**
 * How long a token's user is remembered. Every authenticated request needs it, and under load (a dashboard,
 * a script polling totals) the lookup was a query per request. Revoking a token or disabling a person is
 * announced to every process (UserChanges), which forget that person at once; a change made in the database by
 * hand is seen within this time. An unknown token is not remembered, so a new user's token works at once.
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

/** A set-password link works this long: long enough for a weekend, short enough that an old e-mail is useless. */
export const PASSWORD_LINK_HOURS = 72;

export interface NewUser {
  email: string;
  role: string;
  section?: string;
  deliveryPoint?: string;
  /** The web sign-in password; without it the person gets a one-time link to set one. */
  password?: string;
}

/** How a person gets a password: it was set, or here is the secret of their one-time link (`/set-password/<secret>`). */
export type PasswordSetup = { passwordSet: true } | { passwordSet: false; linkSecret: string; expiresAt: Date };

@Injectable()
export class UsersService implements OnModuleInit {
  /** Lookups by token hash, shared by concurrent requests; only found users stay past the lookup. */
  private readonly recent = new Map<string, RecentLookup>();

  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    /** Absent in unit tests of the remembering, which then always remembers. */
    @Optional() private readonly changes?: UserChanges,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  onModuleInit(): void {
    this.changes?.onChange((id) => this.forget(id));
  }

  /** Creates a user and returns its API token, which is shown once and stored only as a hash. */
  async create(actor: User, input: NewUser): Promise<{ user: User; token: string; password: PasswordSetup }> {
    const role = input.role as Role;
    const problems = [
      !/^[^\s@]+@[^\s@]+$/.test(input.email) && `--email "${input.email}" is not an e-mail address`,
      !ROLES.includes(role) && `--role must be one of ${ROLES.join(', ')}`,
      role === 'coordinator' && !input.section && 'a coordinator needs --section CODE',
      role === 'activist' && !input.deliveryPoint && 'an activist needs --delivery-point CODE',
      input.password !== undefined && passwordProblem(input.password),
    ].filter(Boolean);
    if (problems.length > 0) throw new InvalidInputError('invalid_user', problems.join('; '));

    if (await this.users.existsByEmail(input.email)) {
      throw new ConflictError('user_exists', `A user with e-mail ${input.email} already exists.`);
    }
    const token = newToken();
    return this.audit.together(
      async (tx) => {
        const user = await this.users.insert(
          {
            email: input.email,
            role,
            sectionCode: role === 'coordinator' ? input.section : null,
            deliveryPointCode: role === 'activist' ? input.deliveryPoint : null,
            tokenHash: hashToken(token),
            tokenExpiresAt: this.tokenExpiry(),
          },
          tx,
        );
        return { user, token, password: await this.setUpPassword(tx, user, input.password) };
      },
      ({ user, password }) => ({
        action: 'person.create',
        actor,
        personId: user.id,
        sectionCode: user.sectionCode,
        deliveryPointCode: user.deliveryPointCode,
        detail: { role: user.role, passwordSet: password.passwordSet },
      }),
    );
  }

  /** Sets a person's password, or (without one) gives them a new one-time link to choose it themselves. */
  async resetPassword(actor: User, email: string, password?: string): Promise<PasswordSetup> {
    const user = await this.byEmail(email);
    const problem = password !== undefined && passwordProblem(password);
    if (problem) throw new InvalidInputError('weak_password', problem);
    return this.audit.together(
      (tx) => this.setUpPassword(tx, user, password),
      (setup) => ({ action: 'person.password', actor, personId: user.id, detail: { passwordSet: setup.passwordSet } }),
    );
  }

  /**
   * The person with this e-mail and password, or null; the same time is spent whether or not the e-mail exists.
   * Both outcomes go in the audit log, with the address they came from; an e-mail nobody has is not written down.
   */
  async signIn(email: string, password: string, address: string): Promise<User | null> {
    const user = await this.users.findWithPassword(email.trim());
    const matches = await passwordMatches(user?.passwordHash, password);
    await this.audit.recordAlone({ action: 'sign-in', actor: user, outcome: matches ? 'ok' : 'refused', address, detail: matches ? {} : { reason: user ? 'wrong password' : 'unknown e-mail' } });
    if (!matches) return null;
    return this.users.findById(user!.id);
  }

  /** The person a set-password link belongs to, while the link is valid. */
  findByPasswordLink(secret: string): Promise<User | null> {
    return this.users.findByPasswordLink(hashToken(secret), this.clock.now());
  }

  /** Sets the password through a one-time link; the link stops working. */
  async setPasswordWithLink(secret: string, password: string): Promise<User> {
    const problem = passwordProblem(password);
    if (problem) throw new InvalidInputError('weak_password', problem);
    const user = await this.findByPasswordLink(secret);
    if (!user) throw new NotFoundError('This link has expired or was already used. Ask your campaign lead for a new one.');
    const passwordHash = await hashPassword(password);
    await this.audit.together(
      (tx) => this.users.setPassword(user.id, passwordHash, tx),
      () => ({ action: 'person.password', actor: user, personId: user.id, detail: { passwordSet: true, byLink: true } }),
    );
    return user;
  }

  /** The signed-in person of a web session (looked up on every request, so a change applies at once). */
  async findById(id: number): Promise<User | null> {
    const user = await this.users.findById(id);
    return user && !user.disabledAt ? user : null;
  }

  /** Everyone, without secrets: for the lead's list of people and tokens. */
  list(): Promise<User[]> {
    return this.users.list();
  }

  /** The person's API token stops working in every process at once. */
  async revokeToken(actor: User, id: number): Promise<User> {
    return this.change(actor, 'token.revoke', id, { tokenRevokedAt: this.clock.now() });
  }

  /** A new API token for the person (the old one stops working); shown once. */
  async renewToken(actor: User, id: number): Promise<{ user: User; token: string }> {
    const token = newToken();
    const user = await this.change(actor, 'token.renew', id, { tokenHash: hashToken(token), tokenExpiresAt: this.tokenExpiry(), tokenRevokedAt: null });
    return { user, token };
  }

  /** The person can no longer sign in or use a token; what they uploaded stays counted. */
  async disable(actor: User, id: number): Promise<User> {
    return this.change(actor, 'person.disable', id, { disabledAt: this.clock.now() });
  }

  async byEmail(email: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    if (!user) throw new NotFoundError(`There is no person with e-mail ${email}.`);
    return user;
  }

  private async change(actor: User, action: AuditAction, id: number, fields: Parameters<UsersRepository['update']>[1]): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError(`There is no person ${id}.`);
    await this.audit.together(
      (tx) => this.users.update(id, fields, tx),
      () => ({ action, actor, personId: id, sectionCode: user.sectionCode, deliveryPointCode: user.deliveryPointCode }),
    );
    this.forget(id);
    await this.changes?.announce(id);
    return { ...user, ...fields } as User;
  }

  /** Forgets every remembered lookup of this person (their token was revoked or renewed, or they were disabled). */
  private forget(userId: number): void {
    for (const [key, entry] of this.recent) if (entry.found?.id === userId) this.recent.delete(key);
  }

  /** Remembered lookups are used only while every change is heard at once (or when nothing announces changes). */
  private get remembering(): boolean {
    return !this.changes || this.changes.live;
  }

  private tokenExpiry(): Date {
    return new Date(this.clock.now().getTime() + (this.config?.apiTokenDays ?? 180) * 24 * 3600_000);
  }

  private async setUpPassword(tx: EntityManager, user: User, password: string | undefined): Promise<PasswordSetup> {
    if (password !== undefined) {
      await this.users.setPassword(user.id, await hashPassword(password), tx);
      return { passwordSet: true };
    }
    const linkSecret = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + PASSWORD_LINK_HOURS * 3600_000);
    await this.users.setPasswordLink(user.id, hashToken(linkSecret), expiresAt, tx);
    return { passwordSet: false, linkSecret, expiresAt };
  }

  /**
   * The token's user, as of at most TOKEN_CACHE_MS ago; frozen, since one object serves many requests. A revoked
   * or expired token, or a disabled person's, finds no one.
   */
  findByToken(token: string): Promise<User | null> {
    const hash = hashToken(token);
    const key = hash.toString('base64');
    const now = this.clock.now().getTime();
    const recent = this.recent.get(key);
    if (recent && recent.until > now && this.remembering) return recent.user;

    const user = this.users.findByTokenHash(hash).then((u) => {
      if (!u || u.disabledAt || u.tokenRevokedAt || u.tokenExpiresAt.getTime() <= now) return null;
      this.users.touchToken(u.id, new Date(now)).catch(() => undefined); // a missed "last used" is not worth a failed request
      return u;
    });
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
    return recent && recent.until > this.clock.now().getTime() && this.remembering ? recent.found : undefined;
  }
}
