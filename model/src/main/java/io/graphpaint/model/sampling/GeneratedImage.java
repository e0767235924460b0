package io.graphpaint.model.sampling;

/**
 * One sampled image.
 *
 * @param request index of the request in the call
 * @param index image number within its request
 * @param seed the seed its noise came from
 * @param width pixels
 * @param height pixels
 * @param pixels (3, H, W) RGB in [0, 1], channel-major
 * @param png the same image as PNG bytes (8 bits per channel)
 */
public record GeneratedImage(int request, int index, long seed, int width, int height, float[] pixels, byte[] png) {}
