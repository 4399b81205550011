package org.facestream.api;

import com.sun.net.httpserver.HttpExchange;
import java.util.regex.Matcher;

/** Answers one route's requests; the router has matched the path and checked the role. */
@FunctionalInterface
interface RouteHandler {
    /**
     * Answers the request.
     *
     * @param path the route's pattern matched against the raw path (its groups are the path parameters)
     * @param who the request's principal, null on open routes
     */
    void handle(HttpExchange ex, Matcher path, Principal who) throws Exception;
}
