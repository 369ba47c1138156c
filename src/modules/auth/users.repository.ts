import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { User } from './user.entity';

/**
 * The `users` table. E-mail addresses match without regard to case: one address is one person. The writes take
 * an optional transaction, so that a change and its audit line commit together.
 */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<User>;

  constructor(dataSource: DataSource) {
    this.users = dataSource.getRepository(User);
  }

  existsByEmail(email: string): Promise<boolean> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getExists();
  }

  insert(fields: Partial<User>, manager?: EntityManager): Promise<User> {
    const users = this.writer(manager);
    return users.save(users.create(fields));
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByTokenHash(tokenHash: Buffer): Promise<User | null> {
    return this.users.findOneBy({ tokenHash });
  }

  /** The person with this e-mail and their password hash (null when they have none yet). */
  findWithPassword(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** The person a set-password link belongs to, if the link has not expired at `now`. */
  findByPasswordLink(linkHash: Buffer, now: Date): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('u.passwordLinkHash = :linkHash AND u.passwordLinkExpiresAt > :now', { linkHash, now })
      .getOne();
  }

  async setPasswordLink(id: number, linkHash: Buffer, expiresAt: Date, manager?: EntityManager): Promise<void> {
    await this.writer(manager).update({ id }, { passwordLinkHash: linkHash, passwordLinkExpiresAt: expiresAt });
  }

  list(): Promise<User[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  /** Records a use of the token, at most once an hour, so that a busy script does not write on every request. */
  async touchToken(id: number, now: Date): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ tokenLastUsedAt: now })
      .where('id = :id AND (token_last_used_at IS NULL OR token_last_used_at < :hourAgo)', { id, hourAgo: new Date(now.getTime() - 3600_000) })
      .execute();
  }

  async update(id: number, fields: Partial<Pick<User, 'tokenHash' | 'tokenExpiresAt' | 'tokenRevokedAt' | 'disabledAt'>>, manager?: EntityManager): Promise<void> {
    await this.writer(manager).update({ id }, fields);
  }

  /** Sets the password and uses up any set-password link. */
  async setPassword(id: number, passwordHash: string, manager?: EntityManager): Promise<void> {
    await this.writer(manager).update({ id }, { passwordHash, passwordLinkHash: null, passwordLinkExpiresAt: null });
  }

  private writer(manager: EntityManager | undefined): Repository<User> {
    return manager ? manager.getRepository(User) : this.users;
  }
}
