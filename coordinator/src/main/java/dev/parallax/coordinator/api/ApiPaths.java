package dev.parallax.coordinator.api;

/** Request paths as the REST layer matches them. */
final class ApiPaths {

    private ApiPaths() {
    }

    /**
     * The path without the parameters a segment may carry after {@code ;} (RFC 3986 3.3), which the REST layer drops
     * before it matches a route: {@code /api;x/v1/checks} is {@code /api/v1/checks} to it, and must be to us.
     */
    static String withoutParameters(String path) {
        if (path == null || path.indexOf(';') < 0) {
            return path;
        }
        StringBuilder stripped = new StringBuilder(path.length());
        boolean inParameters = false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                inParameters = false;
            } else if (c == ';') {
                inParameters = true;
            }
            if (!inParameters) {
                stripped.append(c);
            }
        }
        return stripped.toString();
    }
}
