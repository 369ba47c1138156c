import express from 'express';
import request from 'supertest';
import { cachedBody, isNotModified } from '../../src/modules/totals/cached-body';

describe('a cached response body', () => {
  const json = JSON.stringify({ total: 1234, goal: 5000, updatedAt: '2017-05-01T10:00:00.000Z', note: 'Ünïcode' });

  it('has the entity tag Express would give the same body, so either path answers a revalidation', async () => {
    const app = express().get('/', (_req, res) => {
      res.type('json').send(json);
    });
    const response = await request(app).get('/').expect(200);
    expect(cachedBody(json).etag).toBe(response.headers.etag);
    expect(cachedBody(json).buffer.toString('utf8')).toBe(json);
  });

  it('answers 304 only to an If-None-Match naming its tag, weak or strong, unless no-cache is asked', () => {
    const { etag } = cachedBody(json);
    const strong = etag.replace(/^W\//, '');
    expect(isNotModified(etag, undefined, etag)).toBe(true);
    expect(isNotModified(strong, undefined, etag)).toBe(true);
    expect(isNotModified(`"other", ${etag}`, undefined, etag)).toBe(true);
    expect(isNotModified('*', undefined, etag)).toBe(true);
    expect(isNotModified(undefined, undefined, etag)).toBe(false);
    expect(isNotModified('W/"other"', undefined, etag)).toBe(false);
    expect(isNotModified(etag, 'no-cache', etag)).toBe(false);
    expect(isNotModified(etag, 'max-age=0, no-cache', etag)).toBe(false);
    expect(isNotModified(etag, 'max-age=0', etag)).toBe(true);
  });
});
