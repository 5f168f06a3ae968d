// Tests assert warnings through the `warnings` lists; keep stderr quiet.
process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';
