/**
 * The stateful flows as one gateway {@link Route}: each flow lists its routes (method and path
 * pattern), and a {@link Refusal} thrown anywhere in a handler becomes its documented answer.
 */
import type { Answer } from '../endpoints.js';
import type { Route, RouteRequest } from '../gateway.js';
import { answering } from './answers.js';
import type { FlowState } from './state.js';

/** One endpoint of a flow; `vars` are the pattern's captured path segments, still encoded. */
export interface FlowRoute {
  method: string;
  path: RegExp;
  handle(state: FlowState, vars: string[], query: URLSearchParams, body: Buffer, request: RouteRequest): Answer;
}

/** The gateway route serving `routes` from `state`. */
export function flowRoute(state: FlowState, routes: readonly FlowRoute[]): Route {
  return (method, path, query, body, request) => {
    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.path.exec(path);
      if (match) return answering(() => route.handle(state, match.slice(1), query, body, request));
    }
    return undefined;
  };
}
