/**
 * The generation worker service: {@link io.graphpaint.worker.GenerationWorker} consumes
 * scene-graph requests from Kafka, samples images with the diffusion model, stores them as PNGs
 * and announces each request's outcome exactly once; {@link io.graphpaint.worker.WorkerMain} runs
 * it with health, readiness and Prometheus endpoints. Configuration is declared once in
 * {@link io.graphpaint.worker.WorkerConfig}.
 *
 * <ul>
 *   <li>{@code worker.generation}: the narrow view of the model the service needs (validated jobs in,
 *       PNGs out) and its implementation over the model's sampling pipeline;</li>
 *   <li>{@code worker.models}: loading model versions onto a device, the served version and its
 *       hot swap, pinned versions;</li>
 *   <li>{@code worker.ops}: metrics and the HTTP endpoints.</li>
 * </ul>
 */
package io.graphpaint.worker;
