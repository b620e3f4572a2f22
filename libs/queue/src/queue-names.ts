/** Every BullMQ queue Pasarela uses. Job payloads carry ids, never card data. */
export enum QueueName {
  /** Housekeeping jobs (sweeper runs, self-checks). */
  Maintenance = 'maintenance',
  /** One job per inbox row: apply a provider webhook to the ledger. */
  Webhooks = 'webhooks',
  /** One job per SPEI OUT order: send it to the provider and follow it up. */
  SpeiOut = 'spei-out',
}

export enum MaintenanceJob {
  Ping = 'ping',
}

/** The SPEI OUT queue's job (job id = order id): the order's id and nothing else. */
export interface SpeiOutJobData {
  orderId: string;
}

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
