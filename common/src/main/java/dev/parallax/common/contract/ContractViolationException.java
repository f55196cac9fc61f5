package dev.parallax.common.contract;

/** A wire message that is not JSON, or whose JSON breaks the contract. */
public class ContractViolationException extends RuntimeException {

    public ContractViolationException(String message) {
        super(message);
    }

    public ContractViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
