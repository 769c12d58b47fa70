package dev.salvo.http.auth;

import java.util.Optional;

/** Resolves a presented API key to its principal. Implementations compare in constant time and never log keys. */
@FunctionalInterface
public interface Authenticator {

    Optional<Principal> authenticate(String apiKey);
}
