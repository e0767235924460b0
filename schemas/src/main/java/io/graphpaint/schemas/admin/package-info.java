/** Idempotent creation of the topic catalogue ({@link io.graphpaint.schemas.Topic}) through a Kafka {@code Admin}. */
package io.graphpaint.schemas.admin;
