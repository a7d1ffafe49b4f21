// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Limits every party checks the same way, in a module with no dependencies (the CLI's flag parsers
 * load it at start-up without zod).
 */

/** Largest accepted budget of a run, US dollars (`max_budget_usd`, `--max-budget-usd`, `MAX_BUDGET_USD`): a typo guard, not a policy. */
export const MAX_BUDGET_USD_LIMIT = 10_000;
