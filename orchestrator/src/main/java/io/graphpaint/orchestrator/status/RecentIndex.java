package io.graphpaint.orchestrator.status;

/**
 * Keys of the recent-requests index: {@code <inverted time, 16 hex digits>|<requestId>}, so that
 * the store's natural (lexicographic) order is newest first.
 */
public final class RecentIndex {

  private RecentIndex() {}

  /** The time a request is ordered by: when it was submitted, or first seen until the request arrives. */
  public static long sortTime(RequestStatus status) {
    return status.getSubmittedAt() != null ? status.getSubmittedAt() : status.getFirstSeenAt();
  }

  public static String key(RequestStatus status) {
    return key(sortTime(status), status.getRequestId());
  }

  public static String key(long sortTime, String requestId) {
    return String.format("%016x|%s", Long.MAX_VALUE - Math.max(0L, sortTime), requestId);
  }

  public static String requestId(String indexKey) {
    return indexKey.substring(indexKey.indexOf('|') + 1);
  }
}
