/**
 * JSON forms of scene graphs (sg2im's {@code {"objects": [...], "relationships": [[s, "p", o]]}})
 * and generation requests, for the HTTP API and the CLI. Input is validated against configured
 * limits and every violation is reported as {@code path: rule}.
 */
package io.graphpaint.schemas.json;
