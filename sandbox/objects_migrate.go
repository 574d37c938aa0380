package sandbox

// updateObjects runs fn under the exclusive lock, like update, but never
// saves account.json: object writes go to the object store (one appended
// line per write), and fn must not change anything else in st.
func (a *Account) updateObjects(fn func(*state) error) error { return a.withState(true, fn) }

// migrateObjects moves the object metadata an account created before the
// object store kept in account.json into the store. It runs inside update,
// so account.json is saved without it only once the store holds it; if
// the save never happens the next open migrates again, and since objects
// already in a bucket's log are newer than account.json's, those win.
func (st *state) migrateObjects() error {
	for bucket, objs := range st.LegacyObjects {
		ix, err := st.objs.index(bucket)
		if err != nil {
			return err
		}
		merged := make(map[string]object, len(objs)+len(ix.objs))
		for k, o := range objs {
			merged[k] = o
		}
		for k, o := range ix.objs {
			merged[k] = o
		}
		if err := st.objs.snapshot(bucket, merged); err != nil {
			return err
		}
	}
	st.LegacyObjects = nil
	return nil
}
