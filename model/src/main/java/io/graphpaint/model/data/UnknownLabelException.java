package io.graphpaint.model.data;

import java.util.List;

/** A label, predicate or attribute that the vocabulary does not contain. */
public final class UnknownLabelException extends IllegalArgumentException {

  private final String kind;
  private final String label;
  private final List<String> closest;

  public UnknownLabelException(String kind, String label, List<String> closest, int vocabularySize) {
    super("unknown " + kind + " '" + label + "': not among the " + vocabularySize + " known "
        + kind + "s" + (closest.isEmpty() ? "" : "; closest known: " + String.join(", ", closest)));
    this.kind = kind;
    this.label = label;
    this.closest = List.copyOf(closest);
  }

  /** "object label", "predicate" or "attribute". */
  public String kind() {
    return kind;
  }

  public String label() {
    return label;
  }

  /** Known names nearest by edit distance, best first. */
  public List<String> closest() {
    return closest;
  }
}
