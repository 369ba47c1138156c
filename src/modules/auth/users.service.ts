import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, InvalidInputError } from '../../common/errors';
import { hashToken, newToken } from './token';
import { Role, ROLES, User } from './user.entity';

export interface NewUser {
  email: string;
  role: string;
  section?: string;
  deliveryPoint?: string;
}

@Injectable()
export class UsersService {
  constructor(private readonly dataSource: DataSource) {}

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

  findByToken(token: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ tokenHash: hashToken(token) });
  }
}
