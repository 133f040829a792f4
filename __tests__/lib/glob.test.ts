/** lib/glob.ts: the one glob matcher for IAM actions and names. */
import { globRegExp, matchesAnyGlob } from '../../lib/glob';

describe('glob', () => {
  it('a star is any run, a question mark one character, the rest literal', () => {
    expect(matchesAnyGlob('credex-staging-api', ['credex-staging-*'])).toBe(true);
    expect(matchesAnyGlob('credex-staging', ['credex-staging-*'])).toBe(false);
    expect(matchesAnyGlob('credex-a1', ['credex-a?'])).toBe(true);
    expect(matchesAnyGlob('credex.x', ['credex?x'])).toBe(true);
    expect(matchesAnyGlob('credexAx', ['credex.x'])).toBe(false); // a dot is a dot
  });

  it('within an action, a star never crosses the service separator', () => {
    const action = globRegExp('ec2:describe*', { within: ':', ignoreCase: true });
    expect(action.test('ec2:DescribeInstances')).toBe(true);
    expect(action.test('ec2:describe:x')).toBe(false);
    expect(globRegExp('*:get*', { within: ':' }).test('s3:getobject')).toBe(true);
  });
});
