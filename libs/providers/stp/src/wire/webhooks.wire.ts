/**
 * Webhooks STP sends to us (Pasarela implements the receivers; the sandbox builds them).
 * Shapes follow the document's example objects; where the attribute tables disagree (SPEI OUT's
 * table is a copy of SPEI IN's) the example wins.
 */

/** "Webhook of CLABE status": status 1 = active, 0 = inactive (table: String; example: number — both accepted). */
export interface StpClabeStatusWebhook {
  clabe: string;
  status: number | string;
}

/** "Webhook of SPEI IN": amount is a decimal string in the example ("10.50"); a number is accepted too. */
export interface StpSpeiInWebhook {
  clabe: string;
  /** Tracking key of the incoming payment. */
  reference: string;
  amount: string | number;
}

/** "Webhook of SPEI OUT": id = STP's order id, folio = our tracking key, status 1 = settled ("Liquidación"). */
export interface StpSpeiOutStatusWebhook {
  id: number | string;
  folio: string;
  status: number | string;
  cause: string;
}
