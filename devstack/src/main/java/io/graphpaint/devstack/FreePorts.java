package io.graphpaint.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the embedded servers.
 *
 * <p>Ports come from below the usual ephemeral range (32768+): an ephemeral port that was free a
 * moment ago can be taken by any outgoing connection before the server binds it, which happens
 * often when several servers start in parallel. A port is never handed out twice in one JVM.
 */
final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST_EXCLUSIVE = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port that is free on 127.0.0.1 now and was not handed out before by this JVM. */
    static int find() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST_EXCLUSIVE);
            if (HANDED_OUT.add(port) && canBind(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    static int findOtherThan(int taken) {
        HANDED_OUT.add(taken);
        return find();
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** 0 means "pick a free port"; anything else must be a valid TCP port. */
    static int checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be within [0, 65535] (0 = any free port), got " + port);
        }
        return port;
    }
}
