/**
 * What each DynamoDB table of src/catalog/tables.ts serves and keeps: its access patterns
 * (documentation of the key design) and its retention, rendered into docs/retention.md. They sit
 * in their own module, keyed by table id, so that the functions' bundles, which read only the
 * keys, indexes and environment variables of tables.ts, do not carry this prose (ADR 0022:
 * about 18 KB of every function that touches a table). A table without an entry here does not
 * compile.
 */
import type { TableId } from './tables';

/** Retention of a table's items: nothing personal is kept past its purpose. */
export interface RetentionPolicy {
  /** Items hold personal data (names, e-mail or IP addresses, review text, client hashes). */
  readonly personalData: boolean;
  /** How long items are kept, in words (the TTL, or until what). */
  readonly kept: string;
  /** The purpose the period serves. */
  readonly reason: string;
  /** Personal data without a TTL: why not, and what removes it instead. */
  readonly noTtlBecause?: string;
}

export interface TableDoc {
  /** The access patterns the table's key design serves. */
  readonly accessPatterns: readonly string[];
  /**
   * How long items are kept and why (issue 9), rendered into docs/retention.md; every table
   * states it (test/unit/catalog/retention.test.ts). Optional in the type only so that a table
   * added on another branch fails that test, with its name, rather than the build.
   */
  readonly retention?: RetentionPolicy;
}

export const TABLE_DOCS: Readonly<Record<TableId, TableDoc>> = {
  Reviews: {
    accessPatterns: [
      'Get one review of a supplier: GetItem pk=SUPPLIER#<sid>, sk=REVIEW#<reviewId>.',
      "List a supplier's reviews newest first, by date range: Query byCreatedAt gsi1pk=SUPPLIER#<sid>, gsi1sk BETWEEN <from> AND <to>~ (keys, recommendation, removedAt), then BatchGetItem of the page; the ingest worker's 50 latest the same way.",
      'List by platform (and date range): Query byPlatform gsi2pk=SUPPLIER#<sid>#PLATFORM#<p>, gsi1sk=<reviewedAt>#<id> (keys, rating, recommendation, removedAt), then BatchGetItem of the page.',
      'List by rating (and date range): Query byRating gsi3pk=SUPPLIER#<sid>#RATING#<r>, gsi1sk=<reviewedAt>#<id> (keys, recommendation, removedAt), then BatchGetItem of the page.',
      'List by platform and rating (and date range): Query byPlatformRating gsi4pk=SUPPLIER#<sid>#PLATFORM#<p>#RATING#<r>, gsi1sk=<reviewedAt>#<id> (sparse: reviews with stars; keys, removedAt), then BatchGetItem of the page.',
      'List by recommendation (with a platform or rating tested on the entry; and date range): Query byRecommendation gsi5pk=SUPPLIER#<sid>#RECOMMENDATION#<rec>, gsi1sk=<reviewedAt>#<id> (sparse: reviews with a recommendation; keys, platform, rating, removedAt), then BatchGetItem of the page. Reviews stored before these two indexes: `npm run migrate` (0002-review-listing-keys).',
      'Summary: Query pk=SUPPLIER#<sid>, sk BETWEEN SUMMARY# AND SUMMARY$ (the prefix as a range; one counter item per region, summed on read).',
      'Audit trail of a review: Query pk=SUPPLIER#<sid>, sk begins_with AUDIT#<reviewId>#.',
      // Two regions (issue 11, ADR 0020)
      'Summary correction marker (a review created in two regions at once, replaced here by the other region’s copy): PutItem pk=SUPPLIER#<sid>, sk=REPLFIX#<region>#<reviewId>#<storedAt>, conditional on not existing, in one transaction with the shard correction.',
    ],
    retention: {
      personalData: true,
      kept: "As long as the supplier's account; removed reviews stay, marked.",
      reason:
        "Reviews are the product: the supplier's record of what couples said, with the audit trail of each version.",
      noTtlBecause:
        "A review has no natural end; the reviewer's name, text and client hash are removed by an erasure (anonymised in place and marked erased, docs/privacy.md).",
    },
  },
  Tenants: {
    accessPatterns: [
      'Resolve an API key: GetItem pk=APIKEY#<sha256 of key>, sk=APIKEY (keys are stored only as hashes); revoked keys keep their item with status=revoked.',
      'Find a key by its key id (operator revocation): GetItem pk=KEYID#<keyId>, sk=KEYID -> keyHash.',
      'Get a supplier: GetItem pk=SUPPLIER#<sid>, sk=PROFILE.',
      // API-key lifecycle (issue 9)
      "An owner's keys (list, two-key rule): Query pk=SUPPLIER#<sid> (or OPSKEYS for operators), begins_with(sk, APIKEYS): the version item sk=APIKEYS and one item per key sk=APIKEYS#<keyId> (label, createdAt, expiresAt, lastUsedAt, status, keyHash); every create or revoke is a transaction conditional on the version.",
      "A key's last use: UpdateItem pk=<owner>, sk=APIKEYS#<keyId> SET lastUsedAt, conditional on lastUsedAt older than 5 minutes (the authorizer, at most once per key per 5 minutes).",
    ],
    retention: {
      personalData: false,
      kept: "As long as the supplier's account; revoked keys keep their item.",
      reason:
        'Suppliers (businesses) and API key hashes: revoked keys are kept so a revoked key is recognised as revoked.',
    },
  },
  ReviewRequests: {
    accessPatterns: [
      'Get a review request: GetItem pk=SUPPLIER#<sid>, sk=REQUEST#<requestId>; expires with its link. Its e-mail status (queued, sent, failed) is updated by the mailer with a condition on the item existing.',
      "A supplier's review requests of one UTC day, counted per region: Query pk=SUPPLIER#<sid>, sk begins_with QUOTA#<yyyy-mm-dd> (the other regions' shards), then UpdateItem ADD requests on sk=QUOTA#<yyyy-mm-dd>#<region>, conditional on requests < the limit minus the other shards (atomic within a region); shards expire a day after their day ends.",
      "A person's review requests (data subject export and erasure): Query bySubject gsi1pk=SUBJECT#<subjectHash>, gsi1sk=<createdAt>#<requestId>, a page at a time; subjectHash is the salted SHA-256 of the normalised address (src/privacy/domain/subject.ts), set on every request with an address (older ones: `cli privacy backfill`).",
      'Erasure tombstone: pk=ERASURE#<erasureId>, sk=TOMBSTONE (erasureId = era_ + a prefix of the subject hash); no TTL. A request with an address is written in one transaction with a ConditionCheck that its tombstone does not exist.',
    ],
    retention: {
      personalData: true,
      kept: 'Until the review link expires (30 days by default, at most 180; TTL `expiresAt`); daily counters a day after their day. Erasure tombstones: for good (no TTL).',
      reason:
        "A request holds the couple's name and e-mail address only while its link can be used. A tombstone holds only a salted hash and ids: it must outlive the data it stands for, or a re-sync, re-import or new request would bring the person back.",
    },
  },
  Rejected: {
    accessPatterns: [
      'Parked message by queue and day: Query pk=QUEUE#<queue>#<yyyy-mm-dd>, sk=<messageId>; kept 30 days.',
    ],
    retention: {
      personalData: true,
      kept: '30 days (TTL `expiresAt`).',
      reason:
        'Messages that could not be processed, kept whole to be inspected and replayed (runbooks/rejected-messages.md).',
    },
  },
  WebhookEndpoints: {
    accessPatterns: [
      'Get an endpoint of a supplier (API, delivery worker): GetItem pk=SUPPLIER#<sid>, sk=ENDPOINT#<endpointId>.',
      "List a supplier's endpoints (API, a page at a time; fan-out: enabled + subscribed filtered in code, a supplier has at most 20 by default): Query pk=SUPPLIER#<sid>, sk begins_with ENDPOINT#.",
      "A supplier's endpoint count (the cap): pk=SUPPLIER#<sid>, sk=COUNTER#ENDPOINTS, changed in the same transaction as each endpoint put (conditional on count < max) and delete.",
      'Signing secrets (current, previous with its expiry) live on the endpoint item: they must be readable to sign; the table is encrypted at rest.',
      'Endpoints whose scheduled secret rotation is due (hourly, primary region): Query bySecretRotation rotpk=ROTATION, rotsk <= <now> (sparse: only endpoints with a schedule; rotsk=nextRotationAt); each rotated with a conditional update on secretRotation.nextRotationAt.',
    ],
    retention: {
      personalData: false,
      kept: 'Until the supplier deletes the endpoint.',
      reason: 'Configuration (URL, subscriptions, signing secrets).',
    },
  },
  Deliveries: {
    accessPatterns: [
      'Delivery state of (event, endpoint): pk=DELIVERY#<deliveryId>, sk=STATE; deliveryId is derived from (eventId, endpointId), created with attribute_not_exists so a duplicate event never makes a second delivery; claimed per attempt with a conditional update; the outcomes of a delivery batch are conditional updates too, up to 25 PartiQL UPDATE statements per BatchExecuteStatement (ADR 0022, eleventh round).',
      'Deliveries of an endpoint: Query byOwnerTime gsi1pk=DELIVERIES#<endpointId>, gsi1sk=<createdAt>#<deliveryId> (keys only), then BatchGetItem of the page.',
      'Replay job: pk=REPLAY#<jobId>, sk=JOB (status, since, cursor, counts, lease); progress saved per chunk with a condition on the lease owner; kept 14 days after its last change.',
      'Replay limit of an endpoint: pk=REPLAYS#<endpointId>, sk=LIMIT (starts in the last hour, the job in progress, version); written with the new job in one transaction conditional on version; freed with the finished job in one transaction.',
      'Attempt log of an endpoint, newest first: Query pk=ENDPOINT#<endpointId>, sk begins_with ATTEMPT# (ScanIndexForward false); kept 14 days.',
    ],
    retention: {
      personalData: true,
      kept: '14 days (TTL `expiresAt`): deliveries and their attempts, replay jobs.',
      reason:
        "Webhook retries and replays need each attempt's state and the endpoint's answers for 14 days; an erasure blanks the answers kept with the person's deliveries before that.",
    },
  },
  WebhookBreakers: {
    accessPatterns: [
      'Breaker state of an endpoint, shared by all delivery workers: GetItem pk=ENDPOINT#<endpointId> (strongly consistent); compare-and-set with a condition on `version`.',
    ],
    retention: {
      personalData: false,
      kept: 'One small item per endpoint, overwritten.',
      reason: 'Circuit breaker state.',
    },
  },
  Budgets: {
    accessPatterns: [
      "A category of a wedding budget (allocation, version): GetItem pk=BUDGET#<coupleId>#<weddingId>, sk=CATEGORY#<category>; updated with a condition on `revision` and on this region's spending shard.",
      "What a region spent in a category (per currency): Query sk begins_with CATEGORY#<category>#SPENT# (every region's shard, summed); written by that region only, with a condition on its `revision`.",
      "An applied expense (dedupe on expenseId, and the thresholds it fired): pk=BUDGET#<coupleId>#<weddingId>, sk=EXPENSE#<expenseId>, written in the same transaction as the region's spending shard.",
    ],
    retention: {
      personalData: true,
      kept: "As long as the wedding's budget in the WedSync app.",
      reason: "A couple's budget categories and expenses, keyed by the app's couple and wedding ids.",
      noTtlBecause:
        "The budget is live data of the couple's planning; it is keyed by the WedSync app's couple id (no e-mail address), so it is deleted with the couple's account in the WedSync app, which owns that account (not by an e-mail erasure here: docs/privacy.md).",
    },
  },
  ModelStats: {
    accessPatterns: [
      'Add a batch of predictions: UpdateItem ADD counters on pk=MODEL#<task>#<variant>, sk=HOUR#<yyyy-mm-ddThh>#<region> (one shard per writing region: global tables keep the last writer of an item).',
      "Window of a variant: Query pk=MODEL#<task>#<variant>, sk >= HOUR#<since>, summing every region's shard; buckets expire after 30 days.",
    ],
    retention: {
      personalData: false,
      kept: '30 days (TTL `expiresAt`).',
      reason: 'Hourly prediction counters for the model health view.',
    },
  },
  Idempotency: {
    accessPatterns: [
      'Claim an Idempotency-Key (API, only for requests that send one): PutItem id=api#<sha256 of [scope, key]>, conditional on absent, expired, or in progress past its lease; the item holds status, the request hash and, once done, the response. Kept 24 h (`expiration`, epoch seconds).',
      'Replay: the conditional put returns the existing item (ALL_OLD), read strongly consistent if it did not.',
    ],
    retention: {
      personalData: false,
      kept: '24 hours (TTL `expiration`).',
      reason: 'Idempotency-Key records: a request hash and the answer (ids and states, never an address).',
    },
  },
  Connections: {
    accessPatterns: [
      'Get a connection (API, token provider, sync): GetItem pk=CONNECTION#<connectionId>, sk=CONNECTION (consistent); the API compares supplierId with the caller.',
      "A supplier's connections: Query bySupplier gsi1pk=SUPPLIER#<sid>, gsi1sk=<createdAt>#<connectionId>.",
      'Active connections for the sync schedule, a page at a time: Query byStatus gsi2pk=STATUS#active.',
      'Pending authorization (PKCE verifier, state nonce, redirect URI) on the pending connection item; consumed once by a conditional REMOVE (status = pending AND pending.nonce = :nonce); the pending item expires by TTL (expiresAt) with its state.',
      'Status changes (active -> reauth-required, pending -> active) are conditional on the current status.',
      'Sealed tokens (envelope-encrypted, ciphertext only): pk=CONNECTION#<connectionId>, sk=TOKEN#refresh (refresh token; Facebook: long-lived user token) and sk=TOKEN#page#<pageId> (Facebook Page tokens); rotated with a condition on `version`; erased with Query + BatchWrite on disconnect.',
    ],
    retention: {
      personalData: false,
      kept: 'Until the supplier disconnects; a pending connection 10 minutes (TTL `expiresAt`).',
      reason:
        'Platform connections of suppliers (business accounts) and their sealed tokens, erased on disconnect.',
    },
  },
  Audit: {
    accessPatterns: [
      'Append one entry (append-only: PutItem with attribute_not_exists(pk); no function may update or delete, the IAM access level is `append`): pk=SUPPLIER#<sid>, sk=<at>#<auditId>; expires after AUDIT_RETENTION_DAYS (`expiresAt`).',
      "A supplier's entries newest first, by time range: Query pk=SUPPLIER#<sid>, sk BETWEEN <from> AND <to>~ (ScanIndexForward false); operation and outcome filtered in the query.",
      "A connection's entries: Query byConnection gsi1pk=SUPPLIER#<sid>#CONNECTION#<cid>, gsi1sk=<at>#<auditId>.",
      "A supplier's entries of one platform: Query byPlatform gsi2pk=SUPPLIER#<sid>#PLATFORM#<p>, gsi2sk=<at>#<auditId>.",
      "Ops, across suppliers, one platform: Query opsByPlatform gsi3pk=PLATFORM#<p>, gsi3sk=<at>#<auditId> (a few calls a second per platform at most: far under one partition's write limit).",
      // Admin acts (issue 9): entryType=admin, in the supplier's partition (or pk=SYSTEM).
      "A supplier's admin acts: Query byConnection gsi1pk=SUPPLIER#<sid>#ADMIN, gsi1sk=<at>#<auditId> (no connection key can equal it); kind, actorType, target filtered. The platform listing of pk=SUPPLIER#<sid> filters attribute_not_exists(entryType).",
      'Ops, every admin act: Query opsByPlatform gsi3pk=ADMIN, gsi3sk=<at>#<auditId> (a few acts a minute at most).',
    ],
    retention: {
      personalData: true,
      kept: 'AUDIT_RETENTION_DAYS (400 by default; TTL `expiresAt`).',
      reason:
        "Who did what from which IP address (staff and suppliers' keys), for security reviews over a year; privacy acts name the person only by a hash prefix.",
    },
  },
  PlatformStats: {
    accessPatterns: [
      'Per-minute call counts of a platform or a connection: UpdateItem ADD successes, failures, rateLimited on pk=STATS#PLATFORM#<p> or STATS#CONNECTION#<cid>, sk=MINUTE#<yyyy-mm-ddThh:mm>#<region> (one shard per writing region); buckets expire after 2 days.',
      'Latest of a scope (last success, last failure, quota headroom): UpdateItem SET on the same pk, sk=LATEST#<region>.',
      "Health window: Query pk=STATS#<scope>, sk BETWEEN MINUTE#<an hour ago> AND MINUTE#~ (60 items per region), plus Query sk begins_with LATEST; the regions' shards are merged.",
    ],
    retention: {
      personalData: false,
      kept: '2 days (TTL `expiresAt`).',
      reason: 'Per-minute platform call counts for the health view.',
    },
  },
  RateLimits: {
    accessPatterns: [
      'Token bucket of a platform app or location, shared by every worker: GetItem pk=BUCKET#<platform>/app or BUCKET#<platform>/location/<id> (strongly consistent) {tokens, asOfMs, version}; taken all-or-none over several buckets in one TransactWriteItems, each put conditional on the version read; idle buckets expire after 2 days.',
    ],
    retention: {
      personalData: false,
      kept: '2 days idle (TTL `expiresAt`).',
      reason: 'Token buckets of platform quotas.',
    },
  },
  PlatformBreakers: {
    accessPatterns: [
      'Circuit breaker of a review platform, shared by sync and reply workers: GetItem pk=PLATFORM#<platform> (strongly consistent); compare-and-set with a condition on `version`.',
    ],
    retention: {
      personalData: false,
      kept: 'One small item per platform, overwritten.',
      reason: 'Circuit breaker state.',
    },
  },
  PlatformSync: {
    accessPatterns: [
      'Sync ledger of a location: pk=LEDGER#<connectionId>#<locationId>, sk=REVIEW#<externalId> {lastSeenAt, removed}; a full sweep queries it (sk begins_with REVIEW#, filter lastSeenAt < sweep start) for reviews to re-fetch; removed records expire after 30 days.',
      "A location's daily full sweep: PutItem pk=LEDGER#<connectionId>#<locationId>, sk=SWEEP#<yyyy-mm-dd>, attribute_not_exists (one claim per day); expires after 3 days.",
      'Connections of a platform location (inbound notifications): Query pk=LOCATION#<platform>#<locationId> (sk=CONNECTION#<connectionId> {supplierId}); refreshed by every scheduler run, expires a day later.',
      'Notification replay key: PutItem pk=NOTIFICATION#<dedupKey>, sk=SEEN, conditional on absent or expired; expires after its time to live.',
    ],
    retention: {
      personalData: false,
      kept: 'Removed-review records 30 days, sweep claims 3 days, directory 1 day, replay keys their TTL (TTL `expiresAt`).',
      reason: 'Sync ledger of platform review ids (no names or text).',
    },
  },
  ImportJobs: {
    accessPatterns: [
      'Get an import job of a supplier (API, worker): GetItem pk=SUPPLIER#<sid>, sk=IMPORT#<importId>; status, file, counts and the checkpoint (byte offset, line, seq), saved per chunk with a condition on seq (a second copy of a message loses). Kept 30 days.',
      'Rejected rows of an import, in line order (API, a page at a time): Query pk=IMPORT#<importId>, sk begins_with ROW# (sk=ROW#<line, 10 digits>); written before the checkpoint that counts them, keyed by line so a retried chunk overwrites the same items. At most 10,000 kept per import (all counted). Kept 30 days.',
    ],
    retention: {
      personalData: true,
      kept: '30 days (TTL `expiresAt`).',
      reason:
        'Import progress and the rejected rows (as uploaded: names and text) for the supplier to correct and re-import.',
    },
  },
  RealtimeConnections: {
    accessPatterns: [
      'A WebSocket connection ($connect, every frame): GetItem pk=CONN#<connectionId>, sk=CONNECTION (consistent) {grant, connectedAtMs}; expires 2 h after connect.',
      "A connection's subscription and its cursor: pk=CONN#<connectionId>, sk=SUB#<channel> {lastSeq}; created with a ConditionCheck on the connection item; the cursor moves from seq-1 to seq with a conditional update (one deliverer per event and connection).",
      'Subscribers of a channel in this region (fan-out): Query byChannel gsi1pk=REGION#<region>#CHANNEL#<channel> (connection ids are regional; the table is global).',
      'Disconnect / 410 Gone: Query pk=CONN#<connectionId>, then BatchWrite deletes.',
    ],
    retention: {
      personalData: false,
      kept: 'Until the WebSocket closes ($disconnect or 410 deletes), at most 2 hours (TTL `expiresAt`).',
      reason:
        'Which open connection is entitled to which channel, and how far each has read: ids and cursors only, useless once the connection is gone.',
    },
  },
  RealtimeLog: {
    accessPatterns: [
      "A channel's head: GetItem pk=CHANNEL#<channel>, sk=HEAD {seq} (consistent); never expires.",
      'Append (one writer region, ADR 0017; no transaction, ADR 0035 addendum): the tail is the HEAD plus a consistent Query of the SEQ# items after it; per event PutItem sk=ID#<eventId> {seq: tail+1} conditional on absent (present: the seq an earlier attempt claimed), then PutItem sk=SEQ#<seq, 12 digits> conditional on absent (taken by another event: UpdateItem the ID# claim to the next seq, conditional on the seq it held); per chunk UpdateItem HEAD seq conditional on being lower.',
      'Resume after an event id: GetItem sk=ID#<eventId> -> seq (and GetItem sk=SEQ#<seq> holding that event), then Query pk=CHANNEL#<channel>, sk BETWEEN SEQ#<seq+1> AND SEQ#999999999999 (consistent).',
      "The table's stream (new images, every replica) feeds RealtimeFanout in each region: each SEQ# insert is delivered once per region.",
    ],
    retention: {
      personalData: true,
      kept: "70 minutes per event (TTL `expiresAt`); a channel's head item (a sequence number only) for good.",
      reason:
        'Events carry the webhook bodies (a reviewer name, review text) so a reconnecting client can resume up to an hour back; nothing is kept past that purpose.',
    },
  },
  Migrations: {
    accessPatterns: [
      'The ledger of a data migration (`npm run migrate`, migrations/NNNN-name.ts): pk=MIGRATION#<id>, sk=RUN {status running|done, owner, leaseUntilMs, checkpoint (the last evaluated key of the page last applied), pages, scanned, changed, unchanged, conflicts, startedAt, finishedAt}; claimed and checkpointed with a condition on the owner (or an expired lease), so two runners never page the same migration.',
      'What ran: Query-free, a handful of items: Scan the table (one item per migration).',
    ],
    retention: {
      personalData: false,
      kept: 'For good: one item per migration.',
      reason:
        'The record of which data migrations ran, so a migration never runs twice and a crashed one resumes.',
    },
  },
  EventLog: {
    accessPatterns: [
      'Log an event (EventFanout, one item per domain event): PutItem pk=EVENT#<tenant>#<eventId>, conditional on absent (the first copy wins); the webhook body as sent; kept 14 days.',
      'An event of a tenant (redelivery, the fan-out of a second copy): GetItem pk=EVENT#<tenant>#<eventId>; several (data subject export and erasure): BatchGetItem.',
      'Events of a tenant since a time (replay, trace): Query byOwnerTime gsi1pk=EVENTS#<tenant>, gsi1sk >= <time>#.',
      "The table's stream (new images, inserts only) feeds RealtimeRecorder in the primary region, whose replica holds every region's events.",
      'Erasure: DeleteItem pk=EVENT#<tenant>#<eventId>, conditional on existing.',
    ],
    retention: {
      personalData: true,
      kept: '14 days (TTL `expiresAt`).',
      reason:
        'Webhook replays and redeliveries need the exact payload (review title and rating) for 14 days; an erasure purges the events about the person before that.',
    },
  },
};
