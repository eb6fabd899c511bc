/**
 * The two documented endpoints, as WeChat Pay documents them: their state, their answers and
 * their errors. Everything here runs after the `Authorization` check has passed.
 */
import { randomBytes } from 'node:crypto';
import type { PermissionTokenRequest, UserAuthorization } from '../registry.js';

/** A user's 商圈积分 authorization, as `GET v3/businesscircle/user-authorizations/{openid}` reports it. */
export interface SeedAuthorization extends UserAuthorization {
  /** The AppID the `openid` belongs to; asking with another one is a `PARAM_ERROR`. */
  appid: string;
}

/** A member card; only the merchant that created it may ask for permission tokens. */
export interface SeedCard {
  card_id: string;
  /** The merchant that created the card; the sandbox merchant when left out. */
  mchid?: string;
}

/** The state a sandbox starts from. Unknown `openid`s are `UNAUTHORIZED`; unknown cards are refused. */
export interface SandboxSeed {
  authorizations?: readonly SeedAuthorization[];
  cards?: readonly SeedCard[];
}

/** Products a merchant may or may not have opened; a request to a closed one is `403 NO_AUTH`. */
export type Capability = 'businesscircle' | 'membercard';

/** The seed used when none is given; the ids are the ones in WeChat Pay's documentation. */
export const DEFAULT_SEED = {
  authorizations: [
    { openid: 'oWmnN4xxxxxxxxxxe92NHIGf1xd8', appid: 'wx1234567890abcdef', authorize_state: 'AUTHORIZED', authorize_time: '2024-05-20T10:00:00+08:00' },
    {
      openid: 'oWmnN4yyyyyyyyyyyyyyDEAUTHd8', appid: 'wx1234567890abcdef', authorize_state: 'DEAUTHORIZED',
      authorize_time: '2024-05-20T10:00:00+08:00', deauthorize_time: '2024-06-01T18:30:00+08:00',
    },
  ],
  cards: [
    { card_id: 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM' },
    { card_id: 'pDF3JyyyyyyyyyyyyyyyyyyyyyyM', mchid: '1900000110' },
  ],
} as const satisfies SandboxSeed;

/** The live state of a sandbox: change it between requests to set up a test. */
export interface SandboxState {
  /** Keyed by `openid`. */
  authorizations: Map<string, SeedAuthorization>;
  /** Keyed by `card_id`; `mchid` is always filled in. */
  cards: Map<string, Required<SeedCard>>;
}

/** Builds the live state from a seed, copying so that the seed itself is never changed. */
export function stateFrom(seed: SandboxSeed, mchid: string): SandboxState {
  return {
    authorizations: new Map((seed.authorizations ?? []).map((entry) => [entry.openid, { ...entry }])),
    cards: new Map((seed.cards ?? []).map((card) => [card.card_id, { card_id: card.card_id, mchid: card.mchid ?? mchid }])),
  };
}

/**
 * An answer before signing: a status and a JSON body (none for `204`), or `file` bytes that
 * go out unsigned, as WeChat Pay serves bill downloads.
 */
export interface Answer {
  status: number;
  body?: object;
  file?: { bytes: Buffer; contentType: string };
}

/** The merchant asking, its open products, and the state it asks about. */
export interface EndpointContext {
  mchid: string;
  capabilities: ReadonlySet<Capability>;
  state: SandboxState;
}

const error = (status: number, code: string, message: string, detail?: object): Answer =>
  ({ status, body: detail ? { code, message, detail } : { code, message } });

const noAuth = (product: string) => error(403, 'NO_AUTH', `merchant has not opened ${product}`);

function userAuthorization(openid: string, query: URLSearchParams, context: EndpointContext): Answer {
  if (!context.capabilities.has('businesscircle')) return noAuth('商圈积分 (businesscircle)');
  const appid = query.get('appid');
  if (!appid) return error(400, 'PARAM_ERROR', 'appid is required', { location: 'query', field: 'appid' });
  const known = context.state.authorizations.get(openid);
  if (!known) return { status: 200, body: { openid, authorize_state: 'UNAUTHORIZED' } };
  if (known.appid !== appid) {
    return error(400, 'PARAM_ERROR', `openid does not belong to appid ${appid}`, { location: 'query', field: 'appid' });
  }
  const { appid: _appid, ...reported } = known;
  return { status: 200, body: reported };
}

function permissionToken(cardId: string, body: Buffer, context: EndpointContext): Answer {
  if (!context.capabilities.has('membercard')) return noAuth('会员卡开卡 (membercard-open)');
  let json: Partial<PermissionTokenRequest>;
  try {
    json = JSON.parse(body.toString('utf8')) as Partial<PermissionTokenRequest>;
  } catch {
    return error(400, 'PARAM_ERROR', 'the body is not valid JSON', { location: 'body' });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return error(400, 'PARAM_ERROR', 'the body must be a JSON object', { location: 'body' });
  if (json.activate_type !== 'AUTO_ACTIVATE' && json.activate_type !== 'JUMP_ACTIVATE') {
    return error(400, 'PARAM_ERROR', 'activate_type must be AUTO_ACTIVATE or JUMP_ACTIVATE', { location: 'body', field: 'activate_type' });
  }
  if (json.activate_type === 'JUMP_ACTIVATE' && !json.activate_url && !json.activate_appid) {
    return error(400, 'PARAM_ERROR', 'JUMP_ACTIVATE requires activate_url or activate_appid', { location: 'body', field: 'activate_url' });
  }
  const card = context.state.cards.get(cardId);
  if (!card) return error(400, 'INVALID_REQUEST', `card ${cardId} does not exist`);
  if (card.mchid !== context.mchid) return error(400, 'INVALID_REQUEST', `card ${cardId} was not created by merchant ${context.mchid}`);
  return { status: 200, body: { permission_token: randomBytes(24).toString('base64url') } };
}

/** One path segment, decoded; `undefined` when its percent-encoding is broken. */
function segment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

const USER_AUTHORIZATION = /^v3\/businesscircle\/user-authorizations\/([^/]+)$/;
const PERMISSION_TOKENS = /^v3\/marketing\/membercard-open\/cards\/([^/]+)\/permission-tokens$/;

/** Routes one authorized request by its `path` below the base URL; `undefined` when no endpoint serves it. */
export function answer(method: string, path: string, query: URLSearchParams, body: Buffer, context: EndpointContext): Answer | undefined {
  const openid = path.match(USER_AUTHORIZATION)?.[1];
  if (method === 'GET' && openid !== undefined) {
    const decoded = segment(openid);
    return decoded ? userAuthorization(decoded, query, context) : error(400, 'PARAM_ERROR', 'openid is not well percent-encoded');
  }
  const cardId = path.match(PERMISSION_TOKENS)?.[1];
  if (method === 'POST' && cardId !== undefined) {
    const decoded = segment(cardId);
    return decoded ? permissionToken(decoded, body, context) : error(400, 'PARAM_ERROR', 'card_id is not well percent-encoded');
  }
  return undefined;
}

/** WeChat Pay's answer to a path it does not serve. */
export const notFound = (method: string, path: string): Answer => error(404, 'NOT_FOUND', `no such endpoint: ${method} ${path}`);
