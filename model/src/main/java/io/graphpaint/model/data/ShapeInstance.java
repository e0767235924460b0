package io.graphpaint.model.data;

/**
 * One drawn object: its kind and colour and its square box in pixels.
 *
 * @param container index of the object this one is drawn inside, or -1
 */
public record ShapeInstance(ShapeKind kind, ShapeColour colour, int x, int y, int size, int container) {

  public ShapeInstance {
    if (kind == null || colour == null) {
      throw new IllegalArgumentException("kind and colour are required");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("size must be > 0, got " + size);
    }
  }

  public String label() {
    return ShapesWorld.label(colour, kind);
  }

  /** Box in pixels. */
  public Box box() {
    return new Box(x, y, x + size, y + size);
  }
}
