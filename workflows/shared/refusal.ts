// The one refusal of the workflows' state machines: a rule says no. The workflow turns it into a
// typed failure (ApplicationFailure) that the API shows as 409 (StateConflict) or 400 (InvalidDecision).
export class Refusal extends Error {
  constructor(
    readonly type: 'StateConflict' | 'InvalidDecision',
    message: string,
  ) {
    super(message);
  }
}
