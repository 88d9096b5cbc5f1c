import { describe, expect, it } from 'vitest';
import {
  type ApplicationProgress,
  advanceProgress,
  answersCsr,
  isClosed,
  issueRefusal,
  type ProgressStep,
} from '../../../domain/rules/application-progress.ts';

const T0 = new Date('2026-12-01T01:00:00Z');
const T1 = new Date('2026-12-02T01:00:00Z');

const submit: ProgressStep = { type: 'submit', by: 'ops:U0STAFF', at: T0 };
const reject = (reason = 'DCV expired'): ProgressStep => ({
  type: 'reject',
  by: 'ops:U0STAFF',
  at: T1,
  reason,
});
const issue = (certificateId = 'cert-1'): ProgressStep => ({
  type: 'issue',
  by: 'cli',
  at: T1,
  certificateId,
});

/** The progress after the steps, each of which must be accepted. */
function progressAfter(...steps: ProgressStep[]): ApplicationProgress | null {
  let progress: ApplicationProgress | null = null;
  for (const step of steps) {
    const moved = advanceProgress(progress, step);
    if (!moved.ok) throw new Error(`${step.type} refused: ${moved.reason}`);
    progress = moved.value.progress;
  }
  return progress;
}

describe('the application progress (submitted → issued | rejected)', () => {
  it('an application nobody acted on is submitted, with who and when', () => {
    expect(advanceProgress(null, submit)).toEqual({
      ok: true,
      value: {
        changed: true,
        progress: {
          status: 'submitted',
          submittedAt: T0,
          submittedBy: 'ops:U0STAFF',
          issuedAt: null,
          issuedBy: null,
          certificateId: null,
          rejectedAt: null,
          rejectedBy: null,
          rejectionReason: null,
        },
      },
    });
  });

  it('the same step again changes nothing (a double click, Slack’s retry)', () => {
    const submitted = progressAfter(submit);
    expect(advanceProgress(submitted, { ...submit, at: T1, by: 'ops:U0OTHER' })).toEqual({
      ok: true,
      value: { changed: false, progress: submitted },
    });
    const rejected = progressAfter(submit, reject());
    expect(advanceProgress(rejected, reject('another reason'))).toEqual({
      ok: true,
      value: { changed: false, progress: rejected },
    });
    const issued = progressAfter(issue('cert-1'));
    expect(advanceProgress(issued, issue('cert-1'))).toEqual({
      ok: true,
      value: { changed: false, progress: issued },
    });
  });

  it('issued keeps when it was submitted and by whom, and names its certificate', () => {
    expect(progressAfter(submit, issue('cert-9'))).toMatchObject({
      status: 'issued',
      submittedAt: T0,
      submittedBy: 'ops:U0STAFF',
      issuedAt: T1,
      issuedBy: 'cli',
      certificateId: 'cert-9',
    });
  });

  it('submitting is optional: an open application may be issued or rejected at once', () => {
    expect(progressAfter(issue())?.status).toBe('issued');
    expect(progressAfter(reject('CA refused'))).toMatchObject({
      status: 'rejected',
      rejectionReason: 'CA refused',
    });
  });

  it('issued and rejected are final: no submit after either, no rejection of an issued application', () => {
    expect(advanceProgress(progressAfter(issue()), submit)).toEqual({
      ok: false,
      reason: 'ops.already_closed',
      params: { status: 'issued' },
    });
    expect(advanceProgress(progressAfter(reject()), submit)).toMatchObject({
      ok: false,
      reason: 'ops.already_closed',
    });
    expect(advanceProgress(progressAfter(submit, issue()), reject())).toMatchObject({
      ok: false,
      reason: 'ops.already_closed',
    });
    expect(isClosed(null)).toBe(false);
    expect(isClosed(progressAfter(submit))).toBe(false);
    expect(isClosed(progressAfter(issue()))).toBe(true);
    expect(isClosed(progressAfter(reject()))).toBe(true);
  });

  it('a rejected application takes no certificate; an issued one takes no second, other one', () => {
    expect(advanceProgress(progressAfter(submit, reject()), issue())).toEqual({
      ok: false,
      reason: 'ops.application_rejected',
    });
    expect(advanceProgress(progressAfter(issue('cert-1')), issue('cert-2'))).toEqual({
      ok: false,
      reason: 'ops.already_issued',
    });
    expect(issueRefusal(null)).toBeNull();
    expect(issueRefusal(progressAfter(submit))).toBeNull();
    expect(issueRefusal(progressAfter(reject()))).toBe('ops.application_rejected');
    expect(issueRefusal(progressAfter(issue()))).toBe('ops.already_issued');
  });
});

describe('an issued certificate answers the CSR of its application', () => {
  it('when it carries the CSR’s public key', () => {
    expect(answersCsr({ csrPublicKeySha256: 'ab12', certificatePublicKeySha256: 'ab12' })).toEqual({
      ok: true,
      value: true,
    });
  });

  it('not when its public key is another (a certificate for another key pair)', () => {
    expect(answersCsr({ csrPublicKeySha256: 'ab12', certificatePublicKeySha256: 'cd34' })).toEqual({
      ok: false,
      reason: 'ops.public_key_mismatch',
      params: { csrKey: 'ab12', certificateKey: 'cd34' },
    });
  });

  it('an application without a CSR is not checked by key', () => {
    expect(answersCsr({ csrPublicKeySha256: null, certificatePublicKeySha256: 'cd34' }).ok).toBe(true);
  });
});
