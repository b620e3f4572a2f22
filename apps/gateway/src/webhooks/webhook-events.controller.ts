import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeEndpoint, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '#libs/domain';
import { InboxRepository, ProviderLinksRepository, WebhookIntakeService } from '#libs/inbox';
import { QueueFactory, QueueName } from '#libs/queue';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import {
  ClabeLinkDto,
  CredencialAccountLinkDto,
  ListWebhookEventsQueryDto,
  RegisterClabeLinkDto,
  RegisterCredencialAccountLinkDto,
  ReplayResultDto,
  WebhookEventDto,
  WebhookEventPageDto,
} from './dto/webhook-events.dto.js';

const UUID_PARAM = { type: 'string', format: 'uuid', maxLength: 36, example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11' } as const;

@ApiTags('webhooks')
@Controller('v1/webhook-events')
export class WebhookEventsController {
  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
  ) {}

  @Get()
  @RequireScopes('webhooks:read')
  @ApiOperation({ summary: 'Received provider webhooks', description: 'Newest first; filter by provider, type, status (FAILED = dead letter, UNMATCHED = kept and surfaced) and outcome.' })
  @ApiOkResponse({ type: WebhookEventPageDto })
  async list(@Query() q: ListWebhookEventsQueryDto): Promise<WebhookEventPageDto> {
    const page = await this.inbox.list({ provider: q.provider, type: q.type, status: q.status, outcome: q.outcome, limit: q.limit ?? 50, cursor: q.cursor ?? null });
    return { data: page.items.map(WebhookEventDto.from), next_cursor: page.nextCursor };
  }

  @Get(':id')
  @RequireScopes('webhooks:read')
  @ApiParam({ name: 'id', schema: UUID_PARAM })
  @ApiOperation({ summary: 'One received webhook' })
  @ApiOkResponse({ type: WebhookEventDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookEventDto> {
    return WebhookEventDto.from(await this.inbox.get(id));
  }

  @Post(':id/replay')
  @HttpCode(200)
  @RequireScopes('webhooks:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam({ name: 'id', schema: UUID_PARAM })
  @ApiOperation({ summary: 'Replay a webhook', description: 'A FAILED or UNMATCHED event goes back to PENDING and gets a new job; an APPLIED one is never applied again.' })
  @ApiOkResponse({ type: ReplayResultDto })
  async replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<ReplayResultDto> {
    const event = await this.inbox.markForReplay(id);
    if (event.status !== 'PENDING') return { event: WebhookEventDto.from(event), enqueued: false };
    const enqueued = await this.intake.enqueue(event, `${event.id}:replay:${Date.now()}`);
    return { event: WebhookEventDto.from(event), enqueued };
  }
}

@ApiTags('webhooks')
@Controller('v1/provider-links')
export class ProviderLinksController {
  constructor(@Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository) {}

  @Post('stp-clabes')
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Register an STP CLABE', description: 'Admin. SPEI IN to this CLABE credits this ledger account (registered again: updated).' })
  @ApiCreatedResponse({ type: ClabeLinkDto })
  async registerClabe(@Body() body: RegisterClabeLinkDto): Promise<ClabeLinkDto> {
    return ClabeLinkDto.from(await this.links.upsertClabe(body.clabe, body.ledger_account_id.toLowerCase(), body.status));
  }

  @Get('stp-clabes/:clabe')
  @RequireScopes('webhooks:read')
  @ApiParam({ name: 'clabe', schema: { type: 'string', maxLength: 18, pattern: '^\\d{18}$', example: '646180123300000408' } })
  @ApiOperation({ summary: 'An STP CLABE link' })
  @ApiOkResponse({ type: ClabeLinkDto })
  async clabe(@Param('clabe') clabe: string): Promise<ClabeLinkDto> {
    const r = await this.links.clabe(clabe);
    if (!r) throw new NotFoundError(`CLABE ${clabe} is not registered`, undefined, 'clabe_not_found');
    return ClabeLinkDto.from(r);
  }

  @Post('credencial-accounts')
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Register a Credencial account', description: 'Admin. Card debits on this account_number (with this emi_account_identifier) are held on this ledger account; status other than active declines them.' })
  @ApiCreatedResponse({ type: CredencialAccountLinkDto })
  async registerCard(@Body() body: RegisterCredencialAccountLinkDto): Promise<CredencialAccountLinkDto> {
    return CredencialAccountLinkDto.from(await this.links.upsertCard(body.account_number, body.emi_account_identifier, body.ledger_account_id.toLowerCase(), body.status));
  }

  @Get('credencial-accounts/:account_number')
  @RequireScopes('webhooks:read')
  @ApiParam({ name: 'account_number', schema: { type: 'string', maxLength: 20, pattern: '^\\d{1,20}$', example: '544802938' } })
  @ApiOperation({ summary: 'A Credencial account link' })
  @ApiOkResponse({ type: CredencialAccountLinkDto })
  async card(@Param('account_number') accountNumber: string): Promise<CredencialAccountLinkDto> {
    const r = await this.links.card(accountNumber);
    if (!r) throw new NotFoundError(`Credencial account ${accountNumber} is not registered`, undefined, 'account_link_not_found');
    return CredencialAccountLinkDto.from(r);
  }
}

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A minimal read-only queue dashboard for QA (Bull Board was not installed: its Fastify adapter pulls in
 * @fastify/view + ejs): job counts per queue, the latest failed jobs, and the inbox's dead letters.
 */
@Controller('admin/queues')
export class QueuesDashboardController {
  constructor(
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
  ) {}

  @Get('data')
  @RequireScopes('admin')
  @ApiExcludeEndpoint()
  async data(): Promise<Record<string, unknown>> {
    for (const name of Object.values(QueueName)) this.queues.queue(name);
    const depths = await this.queues.depths();
    const failedJobs = await this.queues.queue(QueueName.Webhooks).getFailed(0, 19);
    const deadLetters = await this.inbox.list({ status: 'FAILED', limit: 20 });
    const unmatched = await this.inbox.list({ status: 'UNMATCHED', limit: 20 });
    return {
      queues: depths,
      failed_jobs: failedJobs.map((j) => ({ id: j.id, name: j.name, event_id: (j.data as { eventId?: string })?.eventId, attempts: j.attemptsMade, reason: j.failedReason, finished_at: j.finishedOn })),
      inbox_failed: deadLetters.items.map(WebhookEventDto.from),
      inbox_unmatched: unmatched.items.map(WebhookEventDto.from),
    };
  }

  @Get()
  @RequireScopes('admin')
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  async page(): Promise<string> {
    const d = (await this.data()) as { queues: Array<Record<string, unknown>>; failed_jobs: Array<Record<string, unknown>>; inbox_failed: WebhookEventDto[]; inbox_unmatched: WebhookEventDto[] };
    const table = (rows: Array<Record<string, unknown>>, cols: string[]) =>
      `<table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${cols.map((c) => `<td>${esc(r[c] ?? '')}</td>`).join('')}</tr>`).join('')}</table>`;
    return `<!doctype html><html><head><meta charset="utf-8"><title>Pasarela queues</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>
<h1>Queues</h1>${table(d.queues, ['queue', 'waiting', 'active', 'delayed', 'failed', 'completed'])}
<h2>Failed webhook jobs (latest)</h2>${table(d.failed_jobs, ['id', 'name', 'event_id', 'attempts', 'reason'])}
<h2>Inbox dead letters (FAILED) — replay with POST /v1/webhook-events/{id}/replay</h2>${table(d.inbox_failed as unknown as Array<Record<string, unknown>>, ['id', 'provider', 'type', 'attempts', 'last_error', 'received_at'])}
<h2>Inbox UNMATCHED (kept and surfaced)</h2>${table(d.inbox_unmatched as unknown as Array<Record<string, unknown>>, ['id', 'provider', 'type', 'outcome', 'dedup_key', 'received_at'])}
<p>JSON: <code>GET /admin/queues/data</code></p></body></html>`;
  }
}
