package dev.salvo.http;

import java.util.concurrent.ThreadLocalRandom;

/** The id of one HTTP request, as OpenAI forms them: {@code req_} and 32 lowercase hex digits. */
final class RequestIds {

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + hex(random.nextLong()) + hex(random.nextLong());
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
