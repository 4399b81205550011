package org.facestream.api;

/**
 * A route: method and path template, as listed in the OpenAPI document.
 *
 * @param requires the least role allowed, or null for the open routes (health, metrics, OpenAPI, dashboard files)
 */
public record Route(String method, String template, Role requires) {
    @Override
    public String toString() {
        return method + " " + template;
    }
}
