/**
 * The training loop: {@link org.pcn4j.fit.Fit} runs epochs of mini-batches through a
 * {@link org.pcn4j.train.Trainer}, evaluates on the validation and test splits, guards against
 * divergence (rollback, stop or ignore), selects the model to keep (last or best on validation) and
 * reports everything to {@link org.pcn4j.fit.FitListener}s. The CLI's {@code train} is options, a
 * {@link org.pcn4j.fit.FitConfig} and listeners around it; a library user calls the same loop.
 */
package org.pcn4j.fit;
