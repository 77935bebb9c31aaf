package org.pcn4j;

/**
 * An error caused by the user's input or environment (a corrupt file, a wrong shape, an unknown
 * name, diverging inference). Its message is one line that names the problem; the CLI prints it
 * without a stack trace unless asked for one.
 */
public class PcnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PcnException(String message) {
        super(message);
    }

    public PcnException(String message, Throwable cause) {
        super(message, cause);
    }
}
