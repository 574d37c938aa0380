package core

// UpdateObjects runs fn under the exclusive lock, like update, but never
// saves account.json: object writes go to the object store (one appended
// line per write), and fn must not change anything else in st.
func (a *Account) UpdateObjects(fn func(*State) error) error { return a.withState(true, fn) }

// migrateObjects moves the object metadata an account created before the
// object store kept in account.json into the store. It runs inside update,
// so account.json is saved without it only once the store holds it; if
// the save never happens the next open migrates again, and since objects
// already in a bucket's log are newer than account.json's, those win.
func (st *State) migrateObjects() error {
	for bucket, objs := range st.InStateObjects {
		ix, err := st.Objs.Index(bucket)
		if err != nil {
			return err
		}
		merged := make(map[string]Object, len(objs)+len(ix.Objs))
		for k, o := range objs {
			merged[k] = o
		}
		for k, o := range ix.Objs {
			merged[k] = o
		}
		if err := st.Objs.Snapshot(bucket, merged); err != nil {
			return err
		}
	}
	st.InStateObjects = nil
	return nil
}
