package io.graphpaint.cli;

import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns an exception into the one line {@code graphpaint} prints for it. */
final class Failures {

  private Failures() {}

  static String oneLine(Throwable failure) {
    Throwable e = unwrap(failure);
    String text;
    if (e instanceof CliException) {
      text = e.getMessage();
    } else if (e instanceof NoSuchFileException missing) {
      text = "no such file or directory: " + missing.getFile();
    } else if (e instanceof AccessDeniedException denied) {
      text = "permission denied: " + denied.getFile();
    } else if (e instanceof FileAlreadyExistsException exists) {
      text = "already exists: " + exists.getFile();
    } else if (e instanceof NotDirectoryException notDir) {
      text = "not a directory: " + notDir.getFile();
    } else if (e instanceof ConnectException) {
      text = "connection refused" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    } else if (e.getMessage() == null || e.getMessage().isBlank()) {
      text = e.getClass().getSimpleName() + (e.getCause() != null ? ": " + oneLine(e.getCause()) : "");
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      text = e.getMessage();
    } else {
      text = e.getMessage() + " (" + e.getClass().getSimpleName() + ")";
    }
    return text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** Skips wrappers that only carry another exception. */
  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while (current.getCause() != null && (current instanceof CompletionException
        || current instanceof ExecutionException || current instanceof InvocationTargetException
        || (current instanceof UncheckedIOException && current.getCause() != null)
        || (current.getMessage() != null && current.getMessage().equals(current.getCause().toString())))) {
      current = current.getCause();
    }
    return current;
  }
}
