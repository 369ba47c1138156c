import { Body, Controller, Get, HttpStatus, Param, Post, Query, Render, Req, Res, UseInterceptors } from '@nestjs/common';
import { Request, Response } from 'express';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors';
import { Public } from '../../auth/auth.decorators';
import { UsersService } from '../../auth/users.service';
import { PageInterceptor } from '../page.interceptor';
import { endSession, startSession } from '../session';
import { SignInLimiter } from './sign-in-limiter';

interface SignInForm {
  email?: string;
  password?: string;
  next?: string;
}

/** Sign-in by e-mail and password, sign-out, and setting a password through a one-time link. */
@Controller()
@Public()
@UseInterceptors(PageInterceptor)
export class SignInController {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: SignInLimiter,
    private readonly clock: Clock,
  ) {}

  @Get('sign-in')
  @Render('auth/sign-in')
  page(@Query('next') next?: string, @Query('signedOut') signedOut?: string) {
    return { next: safeNext(next), email: '', error: null, signedOut: signedOut === '1' };
  }

  @Post('sign-in')
  async signIn(@Req() request: Request, @Res() response: Response, @Body() form: SignInForm) {
    const email = String(form.email ?? '').trim();
    const password = String(form.password ?? '');
    const next = safeNext(form.next);
    const again = (status: number, error: string, params: Record<string, number> = {}) =>
      response.status(status).render('auth/sign-in', { next, email, error, errorParams: params, signedOut: false });

    if (!email || !password) return again(HttpStatus.BAD_REQUEST, 'sign_in.error.missing');
    const ip = request.ip ?? 'unknown';
    const wait = await this.limiter.retryAfter(email, ip);
    if (wait > 0) {
      response.setHeader('Retry-After', String(wait));
      return again(HttpStatus.TOO_MANY_REQUESTS, 'sign_in.error.limited', { count: Math.ceil(wait / 60) });
    }
    const user = await this.users.signIn(email, password, ip);
    if (!user) {
      await this.limiter.failed(email, ip);
      return again(HttpStatus.UNAUTHORIZED, 'sign_in.error.wrong');
    }
    await this.limiter.succeeded(email);
    await startSession(request, user.id, this.clock.now());
    response.redirect(HttpStatus.SEE_OTHER, next);
  }

  @Post('sign-out')
  async signOut(@Req() request: Request, @Res() response: Response) {
    await endSession(request);
    response.redirect(HttpStatus.SEE_OTHER, '/sign-in?signedOut=1');
  }

  @Get('set-password/:secret')
  async setPasswordPage(@Param('secret') secret: string, @Res() response: Response) {
    const user = await this.users.findByPasswordLink(secret);
    response.status(user ? 200 : 404).render('auth/set-password', { email: user?.email ?? null, error: null });
  }

  @Post('set-password/:secret')
  async setPassword(@Req() request: Request, @Res() response: Response, @Param('secret') secret: string, @Body() form: { password?: string; confirm?: string }) {
    const password = String(form.password ?? '');
    const user = await this.users.findByPasswordLink(secret);
    const again = (status: number, error: string, message?: string) =>
      response.status(status).render('auth/set-password', { email: user?.email ?? null, error, message });
    if (!user) return again(HttpStatus.NOT_FOUND, 'set_password.error.expired');
    if (password !== String(form.confirm ?? '')) return again(HttpStatus.BAD_REQUEST, 'set_password.error.mismatch');
    try {
      await this.users.setPasswordWithLink(secret, password);
    } catch (error) {
      if (error instanceof DomainError) return again(error.statusCode, 'set_password.error.weak');
      throw error;
    }
    await startSession(request, user.id, this.clock.now());
    response.redirect(HttpStatus.SEE_OTHER, '/');
  }
}

/** Where to go after sign-in: a path of this site only, never another site (an open redirect helps phishing). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
