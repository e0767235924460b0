package io.graphpaint.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * sg2im's geometric relations between two boxes (its COCO dataset): {@code surrounding} and
 * {@code inside} when one box strictly contains the other, otherwise the direction of the vector
 * between the centres, {@code theta = atan2(dy, dx)} with y down: right of for |theta| < pi/4,
 * below for [pi/4, 3pi/4), left of for |theta| >= 3pi/4, above for [-3pi/4, -pi/4). sg2im takes
 * the centre of the object's mask; without masks (as here) that is the centre of the box.
 */
public final class BoxRelations {

  public static final String LEFT_OF = "left of";
  public static final String RIGHT_OF = "right of";
  public static final String ABOVE = "above";
  public static final String BELOW = "below";
  public static final String INSIDE = "inside";
  public static final String SURROUNDING = "surrounding";

  /** Predicates in sg2im's COCO order (ids 1..6; 0 is {@code __in_image__}). */
  public static final List<String> PREDICATES =
      List.of(LEFT_OF, RIGHT_OF, ABOVE, BELOW, INSIDE, SURROUNDING);

  private BoxRelations() {}

  /** The predicate sg2im assigns to {@code subject -> object}. */
  public static String predicate(Box s, Box o) {
    if (s.x0() < o.x0() && s.x1() > o.x1() && s.y0() < o.y0() && s.y1() > o.y1()) {
      return SURROUNDING;
    }
    if (s.x0() > o.x0() && s.x1() < o.x1() && s.y0() > o.y0() && s.y1() < o.y1()) {
      return INSIDE;
    }
    double theta = angle(s, o);
    if (theta >= 3 * Math.PI / 4 || theta <= -3 * Math.PI / 4) {
      return LEFT_OF;
    }
    if (theta < -Math.PI / 4) {
      return ABOVE;
    }
    if (theta < Math.PI / 4) {
      return RIGHT_OF;
    }
    return BELOW;
  }

  /** {@code atan2} of the centre of {@code s} minus the centre of {@code o} (y down). */
  public static double angle(Box s, Box o) {
    return Math.atan2(s.centerY() - o.centerY(), s.centerX() - o.centerX());
  }

  /**
   * Smallest angular distance (radians) of the centre direction from a boundary between two
   * directional predicates (the diagonals); large values mean the predicate is unambiguous.
   */
  public static double angularMargin(Box s, Box o) {
    double theta = angle(s, o);
    double quarter = Math.PI / 2;
    double shifted = theta - Math.PI / 4;
    double r = shifted - quarter * Math.floor(shifted / quarter);
    return Math.min(r, quarter - r);
  }

  /**
   * sg2im's triple sampling: for every object in turn, one random other object, and a coin flip
   * for which of the two is the subject. Returns relationships between the given boxes' indices.
   */
  public static List<Relationship> sampleTriples(List<Box> boxes, Random random) {
    List<Relationship> triples = new ArrayList<>();
    if (boxes.size() < 2) {
      return triples;
    }
    for (int cur = 0; cur < boxes.size(); cur++) {
      int other = random.nextInt(boxes.size() - 1);
      if (other >= cur) {
        other++;
      }
      int s;
      int o;
      if (random.nextDouble() > 0.5) {
        s = cur;
        o = other;
      } else {
        s = other;
        o = cur;
      }
      triples.add(new Relationship(s, predicate(boxes.get(s), boxes.get(o)), o));
    }
    return triples;
  }
}
