// An item shown in review may not exist yet (api/application-access.ts runItemUpdate): the
// application shows it as it dispatches it and the server starts its workflow a moment later. An
// update in that moment is asked again, bounded; one that never finds the workflow is a conflict.
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ITEM_START_WAIT_MS, runItemUpdate } from '../../api/application-access.js';
import { HttpError } from '../../api/errors.js';

const notFound = () => new WorkflowNotFoundError('workflow not found', 'application:X:item:birth-cert', undefined);

describe('runItemUpdate', () => {
  it('asks again while the item’s workflow is being started, and answers with its result', async () => {
    let asked = 0;
    const answer = await runItemUpdate('事项「出生医学证明」', async () => {
      if (asked++ < 3) throw notFound();
      return 'decided';
    });
    expect(answer).toBe('decided');
    expect(asked).toBe(4);
  });

  it('refuses with 409 once the wait is over, having asked more than once', async () => {
    let asked = 0;
    const started = Date.now();
    const refusal = await runItemUpdate('事项「出生医学证明」', async () => {
      asked++;
      throw notFound();
    }).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(HttpError);
    expect(refusal).toMatchObject({ statusCode: 409, message: '事项「出生医学证明」：已不再接受此操作' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(ITEM_START_WAIT_MS);
    expect(asked).toBeGreaterThan(5);
  });

  it('passes any other failure on at once', async () => {
    let asked = 0;
    const refusal = await runItemUpdate('事项', async () => {
      asked++;
      throw new Error('boom');
    }).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ message: 'boom' });
    expect(asked).toBe(1);
  });
});
