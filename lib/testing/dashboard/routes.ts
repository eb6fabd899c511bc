/**
 * The dashboard's routes under `sandbox/`: the page, its state, and resending a callback. Like
 * every control route they are served to loopback callers naming a loopback host only (see the gateway).
 */
import type { Answer } from '../endpoints.js';
import type { ControlRoute } from '../gateway.js';
import type { FlowState } from '../flows/state.js';
import { DASHBOARD_HTML } from './page.js';
import { dashboardState } from './view.js';

const page: Answer = { status: 200, file: { bytes: Buffer.from(DASHBOARD_HTML), contentType: 'text/html; charset=utf-8' } };

/** The dashboard's control route: `GET sandbox/` (the page), `GET sandbox/state`, `POST sandbox/callbacks/resend` `{ "id" }`. */
export function dashboardRoute(flows: FlowState): ControlRoute {
  return async (method, path, body) => {
    if (method === 'GET' && path === '') return page;
    if (method === 'GET' && path === 'state') return { status: 200, body: dashboardState(flows) };
    if (method === 'POST' && path === 'callbacks/resend') {
      let id: unknown;
      try {
        id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      if (typeof id !== 'string' || id === '') return { status: 400, body: { code: 'PARAM_ERROR', message: 'id is required', detail: { field: 'id', location: 'body' } } };
      const record = await flows.callbacks.resend(id);
      return record ? { status: 200, body: record } : { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: `no callback ${id}` } };
    }
    return undefined;
  };
}
