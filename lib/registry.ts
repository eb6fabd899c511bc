/**
 * The typed endpoint registry: one entry per URI template, one member per HTTP method.
 * The chained, `chain('…')` and bracket styles all derive their types from {@link Endpoints};
 * adding an endpoint means adding one entry here and one page under `docs/openapi/`.
 */

/** `GET v3/businesscircle/user-authorizations/{openid}`: a user's authorization state for 商圈积分. */
export interface UserAuthorizationsQuery {
  /** The AppID the `openid` belongs to. */
  appid: string;
  /** The sub-merchant id, for service providers acting on behalf of one. */
  sub_mchid?: string;
}

/** The answer of `GET v3/businesscircle/user-authorizations/{openid}`. */
export interface UserAuthorization {
  openid: string;
  authorize_state: 'UNAUTHORIZED' | 'AUTHORIZED' | 'DEAUTHORIZED';
  /** RFC 3339 time of authorization, when authorized. */
  authorize_time?: string;
  /** RFC 3339 time of deauthorization, when deauthorized. */
  deauthorize_time?: string;
}

/** The body of `POST v3/marketing/membercard-open/cards/{card_id}/permission-tokens`. */
export interface PermissionTokenRequest {
  activate_type: 'AUTO_ACTIVATE' | 'JUMP_ACTIVATE';
  /** Whether the activation page returns to the previous page when done. */
  navigate_back_previous_page?: boolean;
  /** The merchant's activation page, required with `JUMP_ACTIVATE` unless a mini program is given. */
  activate_url?: string;
  /** The mini program that activates the card, with `JUMP_ACTIVATE`. */
  activate_appid?: string;
  /** The page inside `activate_appid`. */
  activate_path?: string;
  /** Merchant data passed back to the activation page. */
  outer_str?: string;
}

/** The answer of `POST v3/marketing/membercard-open/cards/{card_id}/permission-tokens`. */
export interface PermissionTokenResponse {
  permission_token: string;
}

/**
 * One operation's types: `path` (template variables), `query`, `json` (request body) and
 * `response` (the verified, parsed answer).
 */
export interface Operation {
  path?: object;
  query?: object;
  json?: object;
  response: unknown;
}

/** Every typed endpoint, keyed by URI template as written in WeChat Pay's documentation. */
export interface Endpoints {
  'v3/businesscircle/user-authorizations/{openid}': {
    get: {
      path: { openid: string };
      query: UserAuthorizationsQuery;
      response: UserAuthorization;
    };
  };
  'v3/marketing/membercard-open/cards/{card_id}/permission-tokens': {
    post: {
      path: { card_id: string };
      json: PermissionTokenRequest;
      response: PermissionTokenResponse;
    };
  };
}
