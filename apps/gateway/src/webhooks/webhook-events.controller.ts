import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '#libs/domain';
import { InboxRepository, ProviderLinksRepository, WebhookIntakeService } from '#libs/inbox';
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
  @ApiOperation({
    summary: 'Replay a webhook',
    description: 'A FAILED or UNMATCHED event a worker applies (STP events, a Credencial DEBIT settlement) goes back to PENDING and gets a new job; an APPLIED one is never applied again. Credencial REVERSE, BALANCE and MOVEMENTS were applied and answered when they arrived: 409 webhook_not_replayable.',
  })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiConflictResponse({ description: 'webhook_not_replayable: the event was applied and answered synchronously (Credencial reverse, balance, movements).' })
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
