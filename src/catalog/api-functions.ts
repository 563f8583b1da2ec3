/**
 * Which function serves each API route (issue 12, ADR 0022 sixth round), derived from the function
 * catalog's `api` entries and the route table's areas: the CDK API stack integrates each route's
 * method with it, the local gateway runs it, and the bench measures each. Checked when loaded:
 * every area is served by exactly one function, and exactly one function is the catch-all.
 */
import { FUNCTIONS, type FunctionDefinition, type FunctionId } from './functions';
import { ROUTE_TABLE, type RouteArea, type RouteEntry } from './route-table';

/**
 * An API function's id starts with `Api` (checked below), and no other function's does: the alarm
 * table (lib/alarm-table.ts) gives every API function one severity by this type.
 */
export type ApiFunctionId = Extract<FunctionId, `Api${string}`>;

/** The API functions, in catalog order. */
export const API_FUNCTIONS: readonly FunctionDefinition[] = FUNCTIONS.filter((fn) => fn.api !== undefined);
export const API_FUNCTION_IDS = API_FUNCTIONS.map((fn) => fn.id) as readonly ApiFunctionId[];

for (const fn of FUNCTIONS) {
  if ((fn.api !== undefined) !== fn.id.startsWith('Api'))
    throw new Error(`${fn.id}: an API function's id starts with Api, and only an API function's does`);
}

const servedBy = new Map<RouteArea, FunctionId>();
for (const fn of API_FUNCTIONS) {
  for (const area of fn.api?.areas ?? []) {
    const other = servedBy.get(area);
    if (other) throw new Error(`route area ${area} is served by both ${other} and ${fn.id}`);
    servedBy.set(area, fn.id);
  }
}
for (const route of ROUTE_TABLE) {
  if (!servedBy.has(route.area)) throw new Error(`route area ${route.area} is served by no API function`);
}
const catchAlls = API_FUNCTIONS.filter((fn) => fn.api?.catchAll);
if (catchAlls.length !== 1)
  throw new Error(`exactly one API function must be the catch-all, not ${catchAlls.length}`);

/** The function that answers unknown paths and methods (404/405). */
export const API_CATCH_ALL_FUNCTION: FunctionId = catchAlls[0]!.id;

/** The function that serves a route area. */
export const apiFunctionOfArea = (area: RouteArea): FunctionId => servedBy.get(area)!;

/** The function that serves a route. */
export const apiFunctionOfRoute = (route: Pick<RouteEntry, 'area'>): FunctionId =>
  apiFunctionOfArea(route.area);

/** The function that serves an operation (e.g. the cost model's POST /v1/reviews: `submitReview`). */
export function apiFunctionOfOperation(operation: RouteEntry['operation']): FunctionId {
  const route = ROUTE_TABLE.find((entry) => entry.operation === operation);
  if (!route) throw new Error(`no route has the operation ${operation}`);
  return apiFunctionOfRoute(route);
}

/** The operations each API function serves, from the route table. */
export const apiOperationsOf = (id: FunctionId): readonly RouteEntry['operation'][] =>
  ROUTE_TABLE.filter((route) => apiFunctionOfArea(route.area) === id).map((route) => route.operation);
