package io.graphpaint.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the embedded servers. */
final class FreePorts {

    private FreePorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago (the OS hands out ephemeral ports in turn, so reuse races are rare). */
    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    static int findOtherThan(int taken) {
        int port = find();
        while (port == taken) {
            port = find();
        }
        return port;
    }

    /** 0 means "pick a free port"; anything else must be a valid TCP port. */
    static int checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be within [0, 65535] (0 = any free port), got " + port);
        }
        return port;
    }
}
