/**
 * Client of the Confluent Schema Registry REST API (Confluent, Apicurio {@code ccompat}, Karapace,
 * Redpanda): {@link io.graphpaint.schemas.registry.SchemaRegistryClient} with cached ids and
 * schemas, Confluent-named settings ({@link io.graphpaint.schemas.registry.SchemaRegistryConfig})
 * and a typed error saying what was asked and what the registry answered
 * ({@link io.graphpaint.schemas.registry.SchemaRegistryException}).
 */
package io.graphpaint.schemas.registry;
