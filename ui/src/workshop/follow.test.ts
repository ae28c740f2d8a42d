import { describe, expect, it } from 'vitest';
import { asMode, followTarget, NOT_FOLLOWING, presenterOf, sameViewport, seePresenter, setFollowing } from './follow';
import { person } from './testing';

const view = { x: -120, y: 40, zoom: 0.8, mode: 'run' };
const ann = person('p1', 'Ann', { role: 'facilitator', presenting: true, view });

describe('follow-me', () => {
  it('the presenter is the facilitator presenting, never this page itself', () => {
    expect(presenterOf([ann, person('p2', 'Bob')], 'p2')?.name).toBe('Ann');
    expect(presenterOf([ann], 'p1')).toBeNull();
    expect(presenterOf([person('p3', 'Eve', { presenting: true })], 'p2')).toBeNull();
  });

  it('given the facilitator starts presenting, everyone follows their view, run mode included', () => {
    const follow = seePresenter(NOT_FOLLOWING, 'p1');

    expect(follow).toEqual({ presenter: 'p1', following: true });
    expect(followTarget(ann, follow)).toEqual(view);
    expect(asMode(view.mode)).toBe('run');
  });

  it('a participant stops following and resumes', () => {
    const stopped = setFollowing(seePresenter(NOT_FOLLOWING, 'p1'), false);
    expect(followTarget(ann, stopped)).toBeNull();

    const resumed = setFollowing(stopped, true);
    expect(followTarget(ann, resumed)).toEqual(view);
  });

  it('a new presentation is followed again, even by someone who stopped following the last', () => {
    const stopped = setFollowing(seePresenter(NOT_FOLLOWING, 'p1'), false);

    const ended = seePresenter(stopped, null);
    const again = seePresenter(ended, 'p1');

    expect(ended).toEqual(NOT_FOLLOWING);
    expect(again.following).toBe(true);
  });

  it('nothing to follow while nobody presents, and the same presenter changes nothing', () => {
    expect(setFollowing(NOT_FOLLOWING, true)).toBe(NOT_FOLLOWING);
    const follow = seePresenter(NOT_FOLLOWING, 'p1');
    expect(seePresenter(follow, 'p1')).toBe(follow);
    expect(followTarget(null, follow)).toBeNull();
  });

  it('viewports the same to the half pixel are the same', () => {
    expect(sameViewport({ x: 10, y: 10, zoom: 1 }, { x: 10.3, y: 9.8, zoom: 1.0001 })).toBe(true);
    expect(sameViewport({ x: 10, y: 10, zoom: 1 }, { x: 11, y: 10, zoom: 1 })).toBe(false);
    expect(sameViewport({ x: 10, y: 10, zoom: 1 }, { x: 10, y: 10, zoom: 1.01 })).toBe(false);
    expect(asMode('elsewhere')).toBeNull();
  });
});
