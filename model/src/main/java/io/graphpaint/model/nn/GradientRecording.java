package io.graphpaint.model.nn;

import ai.djl.engine.Engine;

/**
 * PyTorch records autograd history per thread, and DJL turns recording off only on the thread
 * that started the engine. Any other thread (a service's generation or training thread) records
 * by default: sampling there builds autograd graphs it never uses (memory grows with the step
 * count), and optimizer updates there fail on in-place writes to leaves. Gradients themselves are
 * still recorded inside a {@code GradientCollector}, which switches recording on for its scope.
 */
public final class GradientRecording {

  private GradientRecording() {}

  /** Turns autograd recording off for the calling thread (outside gradient collectors). */
  public static void disableOnThisThread() {
    if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
      ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }
  }
}
