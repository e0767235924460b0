package io.graphpaint.worker.generation;

import java.util.List;

/**
 * What a batch produced: per job (in the order given), its PNG images in seed order.
 *
 * @param pngsPerJob PNG bytes, {@code pngsPerJob.get(j).get(n)} is image n of job j
 * @param encodeNanos time spent building the condition (tokenizer, CLIP text tower, graph encoder,
 *     fusion)
 * @param sampleNanos time spent denoising and encoding PNGs
 */
public record GeneratedBatch(List<List<byte[]>> pngsPerJob, long encodeNanos, long sampleNanos) {

  public GeneratedBatch {
    pngsPerJob = List.copyOf(pngsPerJob.stream().map(List::copyOf).toList());
  }
}
