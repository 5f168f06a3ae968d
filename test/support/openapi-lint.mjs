// Lints an OpenAPI document (JSON on stdin) with Redocly's "recommended" ruleset, less one rule (below), (@redocly/openapi-core,
// the library behind `redocly lint`); prints the problems as JSON. ESM-only, so the tests run it as a process.
import { createConfig, lintFromString } from '@redocly/openapi-core';

let source = '';
for await (const chunk of process.stdin) source += chunk;
// Off: operation-4xx-response, which wants a 4XX answer on every operation; /healthz, /readyz, /metrics and
// /openapi.json take no input, so no client error exists for them to describe.
const config = await createConfig({ extends: ['recommended'], rules: { 'operation-4xx-response': 'off' } });
const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
process.stdout.write(JSON.stringify(problems.map((p) => ({ ruleId: p.ruleId, severity: p.severity, message: p.message, where: p.location?.[0]?.pointer }))));
