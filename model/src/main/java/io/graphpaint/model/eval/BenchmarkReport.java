package io.graphpaint.model.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark results: one row per run (the full model, the baselines, ground truth), one column
 * per metric; and, when rows were compared, one comparison per pair (differences between two rows
 * and their errors); printed as tables and written as JSON.
 */
public final class BenchmarkReport {

  /**
   * One run's metrics, in insertion order, and the settings that made it (model, split, prompt,
   * ...), which the JSON keeps beside the metrics.
   */
  public record Row(String name, Map<String, Double> metrics, Map<String, String> settings) {
    public Row {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("row name must be non-blank");
      }
      metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
      settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public Row(String name, Map<String, Double> metrics) {
      this(name, metrics, Map.of());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String title;
  private final List<Row> rows = new ArrayList<>();
  private final List<Row> comparisons = new ArrayList<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  public BenchmarkReport(String title) {
    this.title = title;
  }

  public BenchmarkReport add(String name, Map<String, Double> metrics) {
    rows.add(new Row(name, metrics));
    return this;
  }

  /** A row with the settings that made it (kept in the JSON, not in the table). */
  public BenchmarkReport add(String name, Map<String, String> settings, Map<String, Double> metrics) {
    rows.add(new Row(name, metrics, settings));
    return this;
  }

  /** A comparison of two rows (e.g. their differences, paired over the same graphs), printed in a table of its own. */
  public BenchmarkReport compare(String name, Map<String, String> settings, Map<String, Double> metrics) {
    comparisons.add(new Row(name, metrics, settings));
    return this;
  }

  /** Context printed under the table: dataset, seed, feature space, command. */
  public BenchmarkReport note(String key, String value) {
    notes.put(key, value);
    return this;
  }

  public String title() {
    return title;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public List<Row> comparisons() {
    return List.copyOf(comparisons);
  }

  public Map<String, String> notes() {
    return java.util.Collections.unmodifiableMap(notes);
  }

  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(title).append('\n');
    table(sb, "run", rows);
    if (!comparisons.isEmpty()) {
      sb.append('\n');
      table(sb, "comparison", comparisons);
    }
    notes.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  private static void table(StringBuilder sb, String first, List<Row> rows) {
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(r -> columns.addAll(r.metrics().keySet()));
    int nameWidth = Math.max(first.length(), rows.stream().mapToInt(r -> r.name().length()).max().orElse(3));
    StringBuilder header = new StringBuilder(String.format("%-" + nameWidth + "s", first));
    List<Integer> widths = new ArrayList<>();
    for (String c : columns) {
      int w = Math.max(c.length(), 10);
      widths.add(w);
      header.append(" | ").append(String.format("%" + w + "s", c));
    }
    sb.append(header).append('\n');
    sb.append("-".repeat(header.length())).append('\n');
    for (Row r : rows) {
      sb.append(String.format("%-" + nameWidth + "s", r.name()));
      int i = 0;
      for (String c : columns) {
        Double v = r.metrics().get(c);
        String cell = v == null || v.isNaN() ? "-" : format(v);
        sb.append(" | ").append(String.format("%" + widths.get(i++) + "s", cell));
      }
      sb.append('\n');
    }
  }

  private static String format(double v) {
    if (v == Math.rint(v) && (v > 1 || v < 0) && Math.abs(v) < 1e12) {
      return String.format("%d", (long) v);
    }
    return Math.abs(v) >= 1000 ? String.format("%.1f", v) : String.format("%.4f", v);
  }

  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("title", title);
    writeRows(root.putArray("rows"), rows);
    if (!comparisons.isEmpty()) {
      writeRows(root.putArray("comparisons"), comparisons);
    }
    root.set("notes", JSON.valueToTree(notes));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeRows(ArrayNode array, List<Row> rows) {
    for (Row r : rows) {
      ObjectNode row = array.addObject();
      row.put("name", r.name());
      if (!r.settings().isEmpty()) {
        row.set("settings", JSON.valueToTree(r.settings()));
      }
      ObjectNode metrics = row.putObject("metrics");
      r.metrics().forEach((k, v) -> {
        if (Double.isFinite(v)) {
          metrics.put(k, v);
        } else {
          metrics.putNull(k);
        }
      });
    }
  }

  private static Row readRow(com.fasterxml.jackson.databind.JsonNode row) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    row.path("metrics").fields().forEachRemaining(e ->
        metrics.put(e.getKey(), e.getValue().isNull() ? Double.NaN : e.getValue().asDouble()));
    Map<String, String> settings = new LinkedHashMap<>();
    row.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
    return new Row(row.path("name").asText(), metrics, settings);
  }

  public static BenchmarkReport fromJson(byte[] json) {
    try {
      var root = JSON.readTree(json);
      BenchmarkReport report = new BenchmarkReport(root.path("title").asText());
      for (var row : root.path("rows")) {
        report.rows.add(readRow(row));
      }
      for (var row : root.path("comparisons")) {
        report.comparisons.add(readRow(row));
      }
      root.path("notes").fields().forEachRemaining(e -> report.note(e.getKey(), e.getValue().asText()));
      return report;
    } catch (IOException e) {
      throw new IllegalArgumentException("benchmark report is not valid JSON: " + e.getMessage(), e);
    }
  }

  public void writeJson(Path file) throws IOException {
    Files.write(file, toJson());
  }

  @Override
  public String toString() {
    return toTable();
  }
}
