/**
 * What the provider contract tests share: one sandbox module served on its own over real HTTP,
 * JSON calls to its controls, a provider module wired from config, and "this must fail with X".
 */
import { Module, type DynamicModule, type INestApplication, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigModule, type AppConfig } from '#libs/config';

type Imported = Type<unknown> | DynamicModule;

/** `imported` with the config, in one app on a random port. */
export async function serveModule(config: AppConfig, imported: Imported): Promise<{ app: NestFastifyApplication; base: string }> {
  @Module({ imports: [ConfigModule.forRoot(config), imported] })
  class Root {}
  const app = await NestFactory.create<NestFastifyApplication>(Root, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, base };
}

/** `imported` with the config as an application context (no HTTP), closed after `use`. */
export async function withModule<T>(config: AppConfig, imported: Imported, use: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  @Module({ imports: [ConfigModule.forRoot(config), imported] })
  class Wired {}
  const ctx = await NestFactory.createApplicationContext(Wired, { logger: false });
  try {
    return await use(ctx);
  } finally {
    await (ctx as unknown as INestApplication).close();
  }
}

/** A JSON caller of one URL prefix (a sandbox's controls): status and parsed body. */
export function jsonCaller(prefix: () => string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${prefix()}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The error `p` rejects with, asserting its class; fails when `p` resolves. */
export async function expectError<T extends Error>(p: Promise<unknown>, type: new (...a: any[]) => T): Promise<T> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as T;
  }
  throw new Error(`expected ${type.name}`);
}
