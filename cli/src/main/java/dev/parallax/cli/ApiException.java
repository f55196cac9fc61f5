package dev.parallax.cli;

/** An API call that did not succeed, with what to tell the user and the kind that picks the exit code. */
final class ApiException extends RuntimeException {

    /** What went wrong, as far as the exit code is concerned. */
    enum Kind {
        /** 400/409/413: the request was wrong (exit 2, like a usage error). */
        BAD_INPUT(ParallaxCli.EXIT_BAD_INPUT),
        /** 404. */
        NOT_FOUND(ParallaxCli.EXIT_BAD_INPUT),
        /** 401/403: no key, a revoked key, or a missing scope. */
        REFUSED(ParallaxCli.EXIT_FAILURE),
        /** 429. */
        OVER_QUOTA(ParallaxCli.EXIT_FAILURE),
        /** 5xx, or an answer that makes no sense. */
        SERVER(ParallaxCli.EXIT_FAILURE),
        /** No answer at all. */
        UNREACHABLE(ParallaxCli.EXIT_FAILURE);

        final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    ApiException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
