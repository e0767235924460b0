/**
 * The training worker: turns dataset updates into published model versions.
 *
 * <ul>
 *   <li>{@link io.graphpaint.trainingworker.TrainingWorker}: the poll loop on
 *       graphpaint.dataset-updates (consumer group, cooperative-sticky, partitions paused while a
 *       job trains, bursts of one dataset coalesced), outcomes written in a transaction with the
 *       offsets, progress on graphpaint.training.
 *   <li>{@link io.graphpaint.trainingworker.TrainingJob}: one update, Kafka-free: dataset from the
 *       object store ({@link io.graphpaint.trainingworker.DatasetReader}), base model (vocabulary
 *       grown under EXTEND), model.train's stage 1 and stage 2 loops within step and wall-time
 *       budgets, checkpoints in the object store, evaluation on the validation split with
 *       model.eval's metrics, the {@link io.graphpaint.trainingworker.PromotionGate}, artifacts
 *       under {@code models/{name}/{version}/}.
 *   <li>{@link io.graphpaint.trainingworker.TrainingWorkerConfig}: every setting, declared once;
 *       {@link io.graphpaint.trainingworker.TrainingWorkerMain} runs the service with /health,
 *       /ready and /metrics.
 * </ul>
 *
 * <p>Versions are named from the dataset id and version
 * ({@link io.graphpaint.trainingworker.VersionNames}), so a restarted worker continues the same
 * job from its newest checkpoint and publishes the version once.
 */
package io.graphpaint.trainingworker;
