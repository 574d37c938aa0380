package core

import "fmt"

// What AWS refuses to delete while it still holds data.

// BucketNotEmpty is DeleteBucket on a bucket with objects: "All objects
// (including all object versions and delete markers) in the bucket must be
// deleted before the bucket itself can be deleted" (BucketNotEmpty, 409):
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
// The provider's forceDestroy empties the bucket first:
// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketv2/#forcedestroy_nodejs
func BucketNotEmpty(st *State, r *Record) error {
	n, err := st.objectCount(r.ID)
	if err != nil {
		return err
	}
	if n > 0 && Plain(r.Outputs["forceDestroy"]) != true {
		return &APIError{Code: "BucketNotEmpty", Status: 409, Message: fmt.Sprintf(
			"The bucket you tried to delete is not empty (%s holds %d objects). You must delete all versions in the bucket.", r.ID, n)}
	}
	return nil
}

// RepositoryNotEmpty is DeleteRepository on a repository with images
// without force (RepositoryNotEmptyException):
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
func RepositoryNotEmpty(st *State, r *Record) error {
	if n := len(st.Images[r.ID]); n > 0 && Plain(r.Outputs["forceDelete"]) != true {
		return &APIError{Code: "RepositoryNotEmptyException", Status: 400, Message: fmt.Sprintf(
			"The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images (%d)", r.ID, st.AccountID, n)}
	}
	return nil
}
